"""The customer links API: a link made (its address answered once), listed without secrets, e-mailed, revoked."""

import factories

from outsidein.loop import links
from outsidein.loop.models import CustomerLink, Message, MessageKind


def secret_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_a_link_is_made_listed_without_its_address_and_revoked(api, person, client):
    made = api.post(f"/persons/{person.pk}/links", {"days": 14})
    assert made.status_code == 201
    body = made.json()
    assert body["person_id"] == person.pk and body["is_live"] and body["revoked_at"] is None
    secret = secret_of(body["url"])
    assert client.get(f"/c/{secret}/").status_code == 200

    listed = api.get(f"/persons/{person.pk}/links").json()
    assert [row["id"] for row in listed] == [body["id"]]
    assert secret not in str(listed) and "url" not in listed[0]

    revoked = api.post(f"/links/{body['id']}/revoke", {}).json()
    assert revoked["revoked_at"] and not revoked["is_live"]
    assert client.get(f"/c/{secret}/").status_code == 404
    again = api.post(f"/links/{body['id']}/revoke", {}).json()
    assert again["revoked_at"] == revoked["revoked_at"]  # the first revocation's time stays


def test_a_new_link_can_revoke_the_others_and_be_e_mailed(api, workspace, smtp_inbox):
    ana = factories.person(workspace, "Ana Alvarez", email="ana@acme.example")
    first = api.post(f"/persons/{ana.pk}/links", {}).json()
    second = api.post(f"/persons/{ana.pk}/links", {"revoke_others": True, "email_it": True}).json()
    assert second["message_status"] == "sent"
    assert links.link_for_secret(secret_of(first["url"])) is None
    assert links.link_for_secret(secret_of(second["url"])) is not None
    [(recipients, _)] = smtp_inbox.messages
    assert recipients == ["ana@acme.example"]
    message = Message.objects.get(pk=second["message_id"])
    assert message.kind == MessageKind.LINK and secret_of(second["url"]) not in message.body


def test_e_mailing_a_person_without_an_address_is_refused_and_makes_no_link(api, person):
    refused = api.post(f"/persons/{person.pk}/links", {"email_it": True})
    assert refused.status_code == 422
    assert not CustomerLink.objects.exists()


def test_a_viewer_lists_but_cannot_make_or_revoke(workspace, viewer, api_for, person, owner):
    link, _ = links.create_link(person, owner)
    viewer_api = api_for(workspace, viewer)
    assert viewer_api.get(f"/persons/{person.pk}/links").status_code == 200
    assert viewer_api.post(f"/persons/{person.pk}/links", {}).status_code == 403
    assert viewer_api.post(f"/links/{link.pk}/revoke", {}).status_code == 403
    assert CustomerLink.objects.count() == 1 and links.live_links(person).count() == 1


def test_another_workspace_s_person_and_link_are_not_found(api, other_workspace):
    theirs = factories.person(other_workspace, "Their person")
    their_link, _ = links.create_link(theirs, None)
    assert api.get(f"/persons/{theirs.pk}/links").status_code == 404
    assert api.post(f"/persons/{theirs.pk}/links", {}).status_code == 404
    assert api.post(f"/links/{their_link.pk}/revoke", {}).status_code == 404
    assert CustomerLink.objects.count() == 1 and links.live_links(theirs).count() == 1
