"""Brainstorm boards: ideas from customers and the team, grouped, dot votes (customers through their link), and an
idea turned into a suggestion credited to its customer, an assumption or an initiative."""

from datetime import timedelta

import factories
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outsidein.conversations.models import Kind
from outsidein.initiatives.models import Initiative
from outsidein.learning.models import Assumption
from outsidein.loop import brainstorms
from outsidein.loop.models import CustomerLink, Idea, RaisedVia, Raiser, Vote, hash_secret, new_secret


@pytest.fixture
def session(workspace, owner, account, person):
    """A brainstorm with Hank Scorpio of Globex, led by the owner."""
    made = factories.conversation(workspace, kind=Kind.BRAINSTORM, title="Loading dock ideas", account=account,
                                  members=[owner])
    made.persons.set([person])
    return made


def board_url(conversation) -> str:
    return reverse("brainstorm-board", kwargs={"ws": conversation.workspace.slug, "conversation_id": conversation.pk})


def idea_url(name: str, idea: Idea) -> str:
    return reverse(name, kwargs={"ws": idea.workspace.slug, "idea_id": idea.pk})


def link_secret(person, *, days: int = 30, revoked: bool = False) -> str:
    secret = new_secret()
    now = timezone.now()
    CustomerLink.objects.create(workspace=person.workspace, person=person, secret_hash=hash_secret(secret),
                                expires_at=now + timedelta(days=days), revoked_at=now if revoked else None)
    return secret


def customer_url(secret: str, conversation) -> str:
    return reverse("customer-board", kwargs={"secret": secret, "conversation_id": conversation.pk})


def test_only_a_brainstorm_has_a_board(workspace, owner_client, api):
    coffee = factories.conversation(workspace, kind=Kind.COFFEE, title="Coffee with Hank")
    assert owner_client.get(board_url(coffee)).status_code == 404
    post = owner_client.post(reverse("brainstorm-idea-add", kwargs={"ws": workspace.slug,
                                                                    "conversation_id": coffee.pk}), {"text": "x"})
    assert post.status_code == 404
    assert api.get(f"/brainstorms/{coffee.pk}/ideas").status_code == 404
    assert not Idea.objects.exists()


def test_the_list_shows_brainstorms_newest_first_with_counts(workspace, owner, owner_client, session, person):
    older = factories.conversation(workspace, kind=Kind.BRAINSTORM, title="Invoice ideas",
                                   occurred_at=timezone.now() - timedelta(days=30))
    factories.conversation(workspace, kind=Kind.COFFEE, title="Just a coffee")
    card = brainstorms.add_idea(session, "Text the driver when the dock is free", person=person)
    brainstorms.add_idea(session, "A second dock door", member=owner)
    brainstorms.place_dot(card, person=person)
    brainstorms.place_dot(card, member=owner)

    page = owner_client.get(reverse("brainstorm-list", kwargs={"ws": workspace.slug})).content.decode()

    assert "Just a coffee" not in page
    assert page.index("Loading dock ideas") < page.index(older.title)
    assert "2 ideas" in page and "2 votes" in page


def test_ideas_sit_in_groups_ordered_by_their_votes(workspace, owner, member, owner_client, session, person):
    slots = brainstorms.add_idea(session, "Book a slot on the phone", group="Booking", person=person)
    brainstorms.add_idea(session, "See free slots online", group="Booking", member=owner)
    sms = brainstorms.add_idea(session, "An SMS when the truck is next", group="Telling the driver", member=owner)
    brainstorms.add_idea(session, "Coffee for waiting drivers", member=owner)
    for voter in (owner, member):
        brainstorms.place_dot(sms, member=voter)
    brainstorms.place_dot(slots, person=person)

    board = brainstorms.read_board(session, member=owner)
    assert [g.label for g in board.groups] == ["Telling the driver", "Booking", ""]
    assert [g.votes for g in board.groups] == [2, 1, 0]
    assert board.groups[1].cards[0].idea == slots  # the card with a vote first

    page = owner_client.get(board_url(session)).content.decode()
    assert page.index("<h2>Telling the driver") < page.index("<h2>Booking") < page.index("<h2>Not grouped yet")


def test_grouping_a_card_by_post_and_by_htmx(workspace, owner_client, session, owner):
    card = brainstorms.add_idea(session, "Print the slot on the delivery note", member=owner)

    plain = owner_client.post(idea_url("brainstorm-idea-group", card), {"group": "  Paper  "})
    assert plain.status_code == 302 and plain["Location"] == board_url(session)
    card.refresh_from_db()
    assert card.group == "Paper"

    swapped = owner_client.post(idea_url("brainstorm-idea-group", card), {"group": "Notes"},
                                headers={"HX-Request": "true"})
    assert swapped.status_code == 200
    html = swapped.content.decode()
    assert html.lstrip().startswith('<section id="board"') and "Notes" in html and "<html" not in html


def test_a_fourth_dot_is_refused_with_the_reason(workspace, owner, owner_client, session, api):
    cards = [brainstorms.add_idea(session, f"Idea number {n}", member=owner) for n in range(5)]
    for card in cards[:3]:
        assert owner_client.post(idea_url("brainstorm-idea-vote", card)).status_code == 302

    refused = owner_client.post(idea_url("brainstorm-idea-vote", cards[3]), follow=True)
    assert "placed all 3 of your dots" in refused.content.decode()
    assert Vote.objects.filter(member=owner).count() == 3

    by_htmx = owner_client.post(idea_url("brainstorm-idea-vote", cards[3]), headers={"HX-Request": "true"})
    assert "placed all 3 of your dots" in by_htmx.content.decode()

    by_api = api.post(f"/ideas/{cards[4].pk}/vote", {})
    assert by_api.status_code == 422 and "placed all 3 of your dots" in by_api.content.decode()

    # Taking a dot back (a second post on the same card) frees it for another idea.
    assert owner_client.post(idea_url("brainstorm-idea-vote", cards[0])).status_code == 302
    assert api.post(f"/ideas/{cards[4].pk}/vote", {}).json()["voted"] is True
    assert set(Vote.objects.filter(member=owner).values_list("idea_id", flat=True)) == {
        cards[1].pk, cards[2].pk, cards[4].pk}


def test_a_customer_votes_and_adds_an_idea_through_their_link(workspace, owner, session, person):
    card = brainstorms.add_idea(session, "A waiting room with Wi-Fi", member=owner)
    secret = link_secret(person)
    customer = Client(enforce_csrf_checks=True)
    url = customer_url(secret, session)

    page = customer.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "A waiting room with Wi-Fi" in html and "3 of 3 dots" in html
    token = page.cookies["csrftoken"].value

    assert customer.post(url, {"action": "vote", "idea": card.pk}).status_code == 403  # no CSRF token
    voted = customer.post(url, {"action": "vote", "idea": card.pk, "csrfmiddlewaretoken": token})
    assert voted.status_code == 302
    assert Vote.objects.get(idea=card).person == person

    added = customer.post(url, {"action": "idea", "text": "Let us book the slot by SMS",
                                "csrfmiddlewaretoken": token}, follow=True)
    assert "your idea is on the board" in added.content.decode()
    assert Idea.objects.get(text="Let us book the slot by SMS").person == person
    assert "2 of 3 dots" in added.content.decode()


def test_a_link_opens_only_its_persons_boards(workspace, account, session, person):
    stranger = factories.person(workspace, "Marge Outsider", account=account)
    other_session = factories.conversation(workspace, kind=Kind.BRAINSTORM, title="Another brainstorm")
    card = brainstorms.add_idea(session, "Earlier slots", person=person)
    client = Client()

    assert client.get(customer_url(link_secret(stranger), session)).status_code == 404
    voted = client.post(customer_url(link_secret(stranger), session), {"action": "vote", "idea": card.pk})
    assert voted.status_code == 404 and not Vote.objects.exists()
    assert client.get(customer_url(link_secret(person), other_session)).status_code == 404
    assert client.get(customer_url("not-a-real-secret", session)).status_code == 404
    assert client.get(customer_url(link_secret(person, revoked=True), session)).status_code == 404
    assert client.get(customer_url(link_secret(person, days=-1), session)).status_code == 404

    boards = brainstorms.boards_for_person(person)
    assert boards == [session]
    assert brainstorms.boards_for_person(stranger) == []


def test_a_link_does_not_open_another_workspaces_board(other_workspace, session, person):
    theirs = factories.conversation(other_workspace, kind=Kind.BRAINSTORM, title="Their brainstorm")
    theirs.persons.set([factories.person(other_workspace, "Their customer")])
    assert Client().get(customer_url(link_secret(person), theirs)).status_code == 404


def test_a_burst_of_posts_through_a_link_is_refused(session, person, owner):
    card = brainstorms.add_idea(session, "Longer opening hours", member=owner)
    client = Client()
    url = customer_url(link_secret(person), session)
    answers = [client.post(url, {"action": "vote", "idea": card.pk}).status_code for _ in range(70)]
    assert answers[:60] == [302] * 60 and set(answers[60:]) == {429}
    assert Vote.objects.filter(idea=card).count() == 0  # sixty toggles: the dot ended where it started


def test_the_customer_boards_partial_links_each_board(session, person):
    from django.template.loader import render_to_string

    secret = link_secret(person)
    html = render_to_string("loop/_customer_boards.html", {"boards": brainstorms.boards_for_person(person),
                                                           "secret": secret})
    assert customer_url(secret, session) in html and "Loading dock ideas" in html


def test_a_member_types_a_customers_idea_for_them(workspace, owner_client, session, person):
    url = reverse("brainstorm-idea-add", kwargs={"ws": workspace.slug, "conversation_id": session.pk})
    response = owner_client.post(url, {"text": "Hank: a ramp for pallets", "group": "", "person": person.pk})
    assert response.status_code == 302
    card = Idea.objects.get()
    assert card.person == person and card.member is None

    empty = owner_client.post(url, {"text": "", "person": ""})
    assert empty.status_code == 422


def test_an_idea_becomes_a_suggestion_raised_by_its_customer(workspace, owner, owner_client, session, person, api):
    card = brainstorms.add_idea(session, "Tell us the slot the day before by SMS", person=person)
    voter = factories.person(workspace, "Marge Fan", account=session.account)
    session.persons.add(voter)
    brainstorms.place_dot(card, person=voter)

    response = owner_client.post(idea_url("brainstorm-idea-convert", card), {"into": "suggestion"})
    assert response.status_code == 302

    card.refresh_from_db()
    raiser = Raiser.objects.get(suggestion=card.suggestion)
    assert raiser.person == person and raiser.via == RaisedVia.BRAINSTORM and raiser.idea == card
    assert raiser.words == "Tell us the slot the day before by SMS" and raiser.first_hand
    assert brainstorms.idea_voters(card) == [voter]
    page = owner_client.get(board_url(session)).content.decode()
    assert card.suggestion.get_absolute_url() in page

    again = owner_client.post(idea_url("brainstorm-idea-convert", card), {"into": "suggestion"}, follow=True)
    assert "already became the suggestion" in again.content.decode()
    assert Raiser.objects.count() == 1
    assert api.get(f"/brainstorms/{session.pk}/ideas").json()[0]["suggestion_id"] == card.suggestion_id


def test_an_idea_becomes_an_assumption_and_an_initiative(workspace, owner, owner_client, session, person, api):
    card = brainstorms.add_idea(session, "Drivers would pay for a guaranteed slot", person=person)

    assert owner_client.post(idea_url("brainstorm-idea-convert", card), {"into": "assumption"}).status_code == 302
    converted = api.post(f"/ideas/{card.pk}/convert", {"into": "initiative"})
    assert converted.status_code == 200

    card.refresh_from_db()
    assumption = Assumption.objects.get(pk=card.assumption_id)
    initiative = Initiative.objects.get(pk=card.initiative_id)
    assert assumption.statement == card.text and assumption.workspace == workspace
    assert initiative.pain_statement == card.text and initiative.sponsor == owner
    assert converted.json()["initiative_id"] == initiative.pk
    page = owner_client.get(board_url(session)).content.decode()
    assert assumption.get_absolute_url() in page and initiative.get_absolute_url() in page


def test_the_api_adds_groups_and_votes(workspace, owner, session, person, api):
    added = api.post(f"/brainstorms/{session.pk}/ideas", {"text": "Night deliveries", "person_id": person.pk})
    assert added.status_code == 201 and added.json()["person_id"] == person.pk
    idea_id = added.json()["id"]
    assert api.patch(f"/ideas/{idea_id}", {"group": "Timing"}).json()["group"] == "Timing"
    voted = api.post(f"/ideas/{idea_id}/vote", {}).json()
    assert (voted["votes"], voted["voted"]) == (1, True)
    assert api.post(f"/ideas/{idea_id}/vote", {}).status_code == 422  # one dot per idea
    assert api.delete(f"/ideas/{idea_id}/vote").json()["votes"] == 0
    listed = api.get("/brainstorms").json()
    assert listed["items"][0]["id"] == session.pk and listed["items"][0]["idea_count"] == 1

    outsider = factories.person(workspace, "Not Invited")
    refused = api.post(f"/brainstorms/{session.pk}/ideas", {"text": "Hi", "person_id": outsider.pk})
    assert refused.status_code == 422 and "person_id" in refused.content.decode()


def test_another_workspaces_board_and_ideas_are_not_found(other_workspace, owner_client, api, workspace):
    theirs = factories.conversation(other_workspace, kind=Kind.BRAINSTORM, title="Their brainstorm")
    their_card = brainstorms.add_idea(theirs, "Their idea")

    assert owner_client.get(board_url(theirs).replace(other_workspace.slug, workspace.slug)).status_code == 404
    for name in ("brainstorm-idea-vote", "brainstorm-idea-group", "brainstorm-idea-convert"):
        url = reverse(name, kwargs={"ws": workspace.slug, "idea_id": their_card.pk})
        assert owner_client.post(url, {"group": "x", "into": "assumption"}).status_code == 404
    assert api.get(f"/brainstorms/{theirs.pk}/ideas").status_code == 404
    assert api.post(f"/ideas/{their_card.pk}/vote", {}).status_code == 404
    assert not Vote.objects.exists()
    their_card.refresh_from_db()
    assert their_card.assumption_id is None and their_card.group == ""


def test_a_viewer_reads_the_board_but_cannot_post(workspace, viewer, viewer_client, session, owner, api_for):
    card = brainstorms.add_idea(session, "Shade over the waiting lane", member=owner)
    page = viewer_client.get(board_url(session))
    assert page.status_code == 200
    assert "Shade over the waiting lane" in page.content.decode() and "Put a dot" not in page.content.decode()

    assert viewer_client.post(idea_url("brainstorm-idea-vote", card)).status_code == 403
    add = reverse("brainstorm-idea-add", kwargs={"ws": workspace.slug, "conversation_id": session.pk})
    assert viewer_client.post(add, {"text": "Mine"}).status_code == 403
    assert api_for(workspace, viewer).post(f"/ideas/{card.pk}/vote", {}).status_code == 403
    assert not Vote.objects.exists() and Idea.objects.count() == 1


def test_a_members_idea_becomes_a_suggestion_without_a_customer_raiser(workspace, owner, session):
    card = brainstorms.add_idea(session, "Paint the bay numbers on the floor", member=owner)
    suggestion = brainstorms.convert(card, owner, "suggestion")
    raiser = Raiser.objects.get(suggestion=suggestion)
    assert raiser.person is None and raiser.idea == card and raiser.via == RaisedVia.BRAINSTORM
    with pytest.raises(ValidationError):
        brainstorms.convert(card, owner, "a poem")
