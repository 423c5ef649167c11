"""Suggestion threads: near-duplicates join, different ideas do not; raising from a highlight and a feedback item;
the status moves with its history; the pages a leader uses."""

from decimal import Decimal

import factories
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outsidein.conversations.models import Highlight
from outsidein.loop import joining, selectors, threads
from outsidein.loop.models import RaisedVia, StatusChange, Suggestion, SuggestionStatus

# The same idea said in other words by different customers, and ideas that only share a word or two with it.
SAME_IDEA = [
    ("Let us pay our invoices by credit card", "Could we pay the invoice with a card instead of a bank transfer?"),
    ("Send the delivery photos with the proof of delivery",
     "I want a photo of the delivered pallets attached to the delivery proof"),
    ("Tell us earlier when a truck is running late", "We need an early warning when the truck will be late"),
    ("A weekly report of on-time deliveries per lane", "Could you email us a report each week on on-time lanes?"),
]
DIFFERENT = [
    ("Let us pay our invoices by credit card", "The invoice addresses are wrong since the move"),
    ("Send the delivery photos with the proof of delivery", "Deliveries on Saturday would help our shops"),
    ("Tell us earlier when a truck is running late", "Your drivers are always friendly and helpful"),
    ("A weekly report of on-time deliveries per lane", "Add a second contact person for our account"),
]


@pytest.mark.parametrize(("first", "second"), SAME_IDEA)
def test_the_same_idea_in_other_words_joins_the_thread(workspace, leader, first, second):
    made = threads.raise_suggestion(workspace, leader, words=first, via=RaisedVia.TYPED)
    factories_noise(workspace, leader)
    again = threads.raise_suggestion(workspace, leader, words=second, via=RaisedVia.TYPED)
    assert again.joined and again.suggestion == made.suggestion
    assert made.suggestion.raisers.count() == 2


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_a_different_idea_starts_its_own_thread(workspace, leader, first, second):
    made = threads.raise_suggestion(workspace, leader, words=first, via=RaisedVia.TYPED)
    factories_noise(workspace, leader)
    other = threads.raise_suggestion(workspace, leader, words=second, via=RaisedVia.TYPED)
    assert not other.joined and other.suggestion != made.suggestion


def factories_noise(workspace, leader):
    """Other open threads in the workspace, so matching is a choice among several, not a yes or no."""
    for words in ("Our account manager should visit twice a year", "The customs paperwork takes too long",
                  "Pallet labels fall off in the rain"):
        threads.raise_suggestion(workspace, leader, words=words, via=RaisedVia.TYPED, join=False)


def test_joining_can_be_refused_and_closed_threads_are_not_joined(workspace, leader):
    first = threads.raise_suggestion(workspace, leader, words="Let us pay invoices by card", via=RaisedVia.TYPED)
    kept_apart = threads.raise_suggestion(workspace, leader, words="Pay invoices by card", via=RaisedVia.TYPED,
                                          join=False)
    assert kept_apart.suggestion != first.suggestion
    for made in (first, kept_apart):
        threads.change_status(made.suggestion, leader, SuggestionStatus.NOT_DOING, outcome="The bank forbids it.")
    later = threads.raise_suggestion(workspace, leader, words="Can I pay an invoice by card?", via=RaisedVia.TYPED)
    assert not later.joined


def test_reach_counts_people_accounts_and_each_accounts_revenue_once(workspace, leader):
    globex = factories.account(workspace, "Globex", annual_revenue=Decimal("200000"))
    initech = factories.account(workspace, "Initech", annual_revenue=Decimal("50000"))
    people = [factories.person(workspace, "Ann", account=globex), factories.person(workspace, "Bo", account=globex),
              factories.person(workspace, "Cy", account=initech)]
    made = threads.raise_suggestion(workspace, leader, words="Pay by card", via=RaisedVia.TYPED, person=people[0])
    for p in people[1:] + people[:1]:  # Ann says it twice
        threads.raise_suggestion(workspace, leader, words="Card payments please", via=RaisedVia.TYPED, person=p,
                                 into=made.suggestion)
    reach = selectors.reach(made.suggestion)
    assert (reach.people, reach.accounts, reach.revenue) == (3, 2, Decimal("250000"))
    assert reach.describe() == "raised by 3 people at 2 accounts"
    listed = selectors.suggestion_list(workspace).get(pk=made.suggestion.pk)
    assert (listed.people, listed.accounts, listed.revenue) == (3, 2, Decimal("250000"))


def test_a_highlight_is_raised_once_with_its_persons_words_and_date(workspace, leader, person):
    conversation = factories.conversation(workspace, members=[leader], account=person.account)
    highlight = Highlight.objects.create(workspace=workspace, conversation=conversation, kind="idea",
                                         text="Could the driver call 30 minutes before arriving?", person=person)
    raised = threads.raise_from_highlight(highlight, leader)
    assert raised.suggestion.kind == "idea" and raised.raiser.first_hand
    assert (raised.raiser.person, raised.raiser.account, raised.raiser.said_at) == (
        person, person.account, conversation.occurred_at)
    again = threads.raise_from_highlight(highlight, leader)
    assert again.raiser == raised.raiser and raised.suggestion.raisers.count() == 1


def test_a_feedback_item_is_relayed(workspace, leader, person):
    item = factories.feedback_item(workspace, "Please add a way to pay by card", person=person, account=person.account)
    raised = threads.raise_from_feedback(item, leader)
    assert not raised.raiser.first_hand and raised.raiser.via == RaisedVia.FEEDBACK
    assert raised.raiser.feedback_item == item


def test_status_moves_are_kept_and_not_doing_needs_a_reason(workspace, leader):
    made = threads.raise_suggestion(workspace, leader, words="Saturday deliveries", via=RaisedVia.TYPED)
    threads.change_status(made.suggestion, leader, SuggestionStatus.CONSIDERING, note="Ops to cost it")
    with pytest.raises(ValidationError) as refused:
        threads.change_status(made.suggestion, leader, SuggestionStatus.NOT_DOING)
    assert "outcome" in refused.value.message_dict
    with pytest.raises(ValidationError):
        threads.change_status(made.suggestion, leader, SuggestionStatus.PILOTING)  # no initiative or pilot linked
    threads.change_status(made.suggestion, leader, SuggestionStatus.NOT_DOING, outcome="Drivers' contracts.")
    moves = list(StatusChange.objects.filter(suggestion=made.suggestion).values_list("from_status", "to_status"))
    assert moves == [("", "heard"), ("heard", "considering"), ("considering", "not_doing")]


def test_a_wrong_join_is_split_out(workspace, leader, person):
    made = threads.raise_suggestion(workspace, leader, words="Pay invoices by card", via=RaisedVia.TYPED)
    other = threads.raise_suggestion(workspace, leader, words="Pay by card at the depot", via=RaisedVia.TYPED,
                                     person=person, into=made.suggestion)
    split = threads.split_raiser(other.raiser, leader)
    assert split != made.suggestion and list(split.raisers.all()) == [other.raiser]


def test_raise_from_a_highlight_page_and_change_the_status(workspace, leader, person):
    conversation = factories.conversation(workspace, members=[leader], account=person.account)
    highlight = Highlight.objects.create(workspace=workspace, conversation=conversation, kind="suggestion",
                                         text="Put the lane code on every invoice line", person=person)
    client = factories.client_for(leader)
    page = client.get(conversation.get_absolute_url())
    raise_url = reverse("suggestion-from-highlight", kwargs={"ws": workspace.slug, "highlight_id": highlight.pk})
    assert raise_url in page.content.decode()
    form = client.get(raise_url)
    assert "Put the lane code on every invoice line" in form.content.decode()
    done = client.post(raise_url, {"words": highlight.text, "kind": "suggestion", "first_hand": "on", "join": "on"},
                       follow=True)
    suggestion = Suggestion.objects.get(workspace=workspace)
    assert done.redirect_chain[-1][0] == suggestion.get_absolute_url()
    assert "raised by 1 person at 1 account" in done.content.decode().lower()
    moved = client.post(reverse("suggestion-status", kwargs={"ws": workspace.slug, "suggestion_id": suggestion.pk}),
                        {"status": "not_doing", "outcome": "", "next_step": "", "note": ""})
    assert moved.status_code == 422 and "deserve the reason" in moved.content.decode()
    client.post(reverse("suggestion-status", kwargs={"ws": workspace.slug, "suggestion_id": suggestion.pk}),
                {"status": "considering", "outcome": "", "next_step": "We look at it in March.", "note": ""})
    suggestion.refresh_from_db()
    assert suggestion.status == "considering" and suggestion.next_step == "We look at it in March."
    listing = client.get(reverse("suggestion-list", kwargs={"ws": workspace.slug}) + "?status=considering")
    assert suggestion.title in listing.content.decode()


def test_viewers_see_no_raise_action_and_cannot_post(workspace, viewer, leader, person):
    conversation = factories.conversation(workspace, members=[leader], account=person.account)
    highlight = Highlight.objects.create(workspace=workspace, conversation=conversation, kind="idea",
                                         text="Idea", person=person)
    client = factories.client_for(viewer)
    raise_url = reverse("suggestion-from-highlight", kwargs={"ws": workspace.slug, "highlight_id": highlight.pk})
    assert raise_url not in client.get(conversation.get_absolute_url()).content.decode()
    assert client.post(raise_url, {"words": "x", "kind": "idea"}).status_code == 403
    assert not Suggestion.objects.exists()


def test_candidates_are_bounded(workspace, leader, monkeypatch):
    monkeypatch.setattr(joining, "CANDIDATES", 2)
    old = threads.raise_suggestion(workspace, leader, words="Pay invoices by card", via=RaisedVia.TYPED)
    for words in ("Saturday deliveries", "Pallet labels fall off"):
        threads.raise_suggestion(workspace, leader, words=words, via=RaisedVia.TYPED, join=False)
    # The oldest thread is beyond the newest two: a new text is not compared with it.
    assert joining.best_match(workspace, "Pay invoices by card") is None
    assert old.suggestion.pk not in [s.pk for s in joining.open_candidates(workspace)]


def test_a_persons_page_leads_to_their_own_page_links(workspace, leader, person):
    page = factories.client_for(leader).get(person.get_absolute_url()).content.decode()
    assert reverse("customer-links", kwargs={"ws": workspace.slug, "person_id": person.pk}) in page


def test_a_feedback_item_page_offers_to_raise_it(workspace, leader, person):
    item = factories.feedback_item(workspace, "Pay by card, please", person=person)
    page = factories.client_for(leader).get(reverse("feedback-detail", kwargs={"ws": workspace.slug,
                                                                               "feedback_id": item.pk}))
    assert reverse("suggestion-from-feedback", kwargs={"ws": workspace.slug, "item_id": item.pk}) in \
        page.content.decode()


def test_a_brainstorm_page_opens_its_board_and_a_past_conversation_offers_a_thank_you(workspace, leader, person):
    client = factories.client_for(leader)
    brainstorm = factories.conversation(workspace, kind="brainstorm", members=[leader], account=person.account)
    coffee = factories.conversation(workspace, kind="coffee", members=[leader], account=person.account)
    board = reverse("brainstorm-board", kwargs={"ws": workspace.slug, "conversation_id": brainstorm.pk})
    thanks = reverse("thanks-new", kwargs={"ws": workspace.slug})
    assert board in client.get(brainstorm.get_absolute_url()).content.decode()
    coffee_page = client.get(coffee.get_absolute_url()).content.decode()
    assert board.replace(str(brainstorm.pk), str(coffee.pk)) not in coffee_page
    assert f"{thanks}?conversation={coffee.pk}" in coffee_page
