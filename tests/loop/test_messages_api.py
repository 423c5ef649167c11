"""The messages API: the log, editing a draft, sending once, thank-yous and a pilot's messages."""

from datetime import date

import factories
import pytest
from inbox import text_of

from outsidein.initiatives.models import Initiative, Pilot, PilotDecision
from outsidein.loop import threads
from outsidein.loop.models import Message, MessageStatus, RaisedVia, SuggestionStatus


@pytest.fixture
def told(workspace, owner):
    """A suggestion raised by Ana and Ben, moved to "under consideration": a draft to each."""
    acme = factories.account(workspace, "Acme Freight")
    ana = factories.person(workspace, "Ana Alvarez", account=acme, email="ana@acme.example")
    ben = factories.person(workspace, "Ben Brook", account=acme, email="ben@acme.example")
    suggestion = threads.raise_suggestion(workspace, owner, words="Text me when the truck is an hour away.",
                                          via=RaisedVia.TYPED, person=ana, join=False).suggestion
    threads.raise_suggestion(workspace, owner, words="A heads-up before the truck arrives, please.",
                             via=RaisedVia.TYPED, person=ben, into=suggestion)
    threads.change_status(suggestion, owner, SuggestionStatus.CONSIDERING)
    return {"suggestion": suggestion, "ana": ana, "ben": ben, "acme": acme}


def test_drafts_are_listed_edited_and_sent_once(api, told, smtp_inbox):
    listed = api.get("/messages", status="draft").json()
    assert listed["count"] == 2
    ana_draft = next(m for m in listed["items"] if m["person_id"] == told["ana"].pk)
    assert "Text me when the truck is an hour away." in ana_draft["body"]
    assert api.get("/messages", person_id=told["ben"].pk).json()["count"] == 1

    edited = api.patch(f"/messages/{ana_draft['id']}", {"body": "Ana, we are looking into it."})
    assert edited.status_code == 200 and edited.json()["body"] == "Ana, we are looking into it."
    assert edited.json()["subject"] == ana_draft["subject"]  # only what was sent changes

    sent = api.post(f"/messages/{ana_draft['id']}/send", {}).json()
    assert sent["status"] == "sent" and sent["sent_at"] and sent["email"] == "ana@acme.example"
    assert text_of(smtp_inbox.to("ana@acme.example")[0]).startswith("Ana, we are looking into it.")
    again = api.post(f"/messages/{ana_draft['id']}/send", {})
    assert again.json()["status"] == "sent" and len(smtp_inbox.messages) == 1

    refused = api.patch(f"/messages/{ana_draft['id']}", {"body": "Rewritten after it went"})
    assert refused.status_code == 422
    assert api.get(f"/messages/{ana_draft['id']}").json()["body"] == "Ana, we are looking into it."

    rest = api.post(f"/suggestions/{told['suggestion'].pk}/send", {}).json()
    assert [m["person_id"] for m in rest] == [told["ben"].pk]
    assert api.post(f"/suggestions/{told['suggestion'].pk}/send", {}).json() == []
    assert sorted(r[0] for r, _ in smtp_inbox.messages) == ["ana@acme.example", "ben@acme.example"]


def test_a_viewer_reads_but_cannot_send_and_another_workspace_s_message_is_not_found(
        workspace, told, viewer, api_for, other_workspace, smtp_inbox):
    message = Message.objects.filter(person=told["ana"]).get()
    viewer_api = api_for(workspace, viewer)
    assert viewer_api.get(f"/messages/{message.pk}").status_code == 200
    assert viewer_api.post(f"/messages/{message.pk}/send", {}).status_code == 403
    assert viewer_api.patch(f"/messages/{message.pk}", {"body": "x"}).status_code == 403

    stranger = api_for(other_workspace, other_workspace.memberships.get().user)
    assert stranger.get(f"/messages/{message.pk}").status_code == 404
    assert stranger.post(f"/messages/{message.pk}/send", {}).status_code == 404
    assert stranger.post(f"/suggestions/{told['suggestion'].pk}/send", {}).status_code == 404
    assert stranger.get("/messages").json()["count"] == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.DRAFT and smtp_inbox.messages == []


def test_thank_yous_and_pilot_messages_are_drafted(api, workspace, owner, told, other_workspace):
    visit = factories.conversation(workspace, kind="coffee", title="Coffee at Acme")
    visit.persons.set([told["ana"], told["ben"]])
    made = api.post("/thanks", {"conversation_id": visit.pk})
    assert made.status_code == 201
    assert sorted(m["person_id"] for m in made.json()) == [told["ana"].pk, told["ben"].pk]
    assert all(m["kind"] == "thanks" and m["conversation_id"] == visit.pk for m in made.json())
    assert "coffee" in made.json()[0]["body"]

    own = api.post("/thanks", {"person_id": told["ben"].pk, "body": "Ben, thank you for the tour."}).json()
    assert [m["body"] for m in own] == ["Ben, thank you for the tour."]
    stranger = factories.person(other_workspace, "Sam Elsewhere", email="sam@elsewhere.example")
    assert api.post("/thanks", {"person_id": stranger.pk}).status_code == 422
    assert api.post("/thanks", {}).status_code == 422

    initiative = Initiative.objects.create(workspace=workspace, name="Arrival alerts", pain_statement="No warning.")
    pilot = Pilot.objects.create(workspace=workspace, initiative=initiative, name="Arrival texts",
                                 change="A text an hour before the truck arrives.", metric_name="missed deliveries",
                                 baseline_start=date(2026, 1, 1), baseline_end=date(2026, 1, 31),
                                 pilot_start=date(2026, 2, 1), pilot_end=date(2026, 3, 31))
    pilot.pilot_accounts.set([told["acme"]])
    invites = api.post(f"/pilots/{pilot.pk}/invites", {})
    assert invites.status_code == 201 and len(invites.json()) == 2
    assert "A text an hour before the truck arrives." in invites.json()[0]["body"]
    assert len(api.post(f"/pilots/{pilot.pk}/invites", {}).json()) == 2  # the same drafts, not new ones
    assert api.post(f"/pilots/{pilot.pk}/results", {}).status_code == 422  # no decision yet

    Pilot.objects.filter(pk=pilot.pk).update(decision=PilotDecision.STOP)
    results = api.post(f"/pilots/{pilot.pk}/results", {}).json()
    assert "It did not do what we hoped, so we are stopping it." in results[0]["body"]
    assert api.get("/messages", pilot_id=pilot.pk).json()["count"] == 4


def test_a_draft_whose_person_is_deleted_while_sending_is_left_out_not_a_server_error(api, told, smtp_inbox):
    """Another request deletes Ben (his draft goes with him) after this one read the drafts: Ana's still goes."""
    from outsidein.loop import telling

    drafts = list(Message.objects.filter(suggestion=told["suggestion"]).order_by("person__name"))
    stale = drafts[1]
    told["ben"].delete()
    sent = telling.send_drafts(drafts, None)
    assert [m.person_id for m in sent] == [told["ana"].pk] and sent[0].status == MessageStatus.SENT
    assert [r[0] for r, _ in smtp_inbox.messages] == ["ana@acme.example"]
    with pytest.raises(Message.DoesNotExist):
        telling.send_message(stale, None)
    assert api.post(f"/messages/{stale.pk}/send", {}).status_code == 404
