"""What the loop offers on earlier areas' rows (``core.actions``)."""

from django.urls import reverse
from django.utils import timezone

from outsidein.conversations.models import Conversation, Highlight, Kind
from outsidein.core.actions import RowAction, add_row_action
from outsidein.customers.models import Person
from outsidein.feedback.models import FeedbackItem
from outsidein.initiatives.models import Pilot


def _from_highlight(highlight: Highlight) -> str:
    return reverse("suggestion-from-highlight", kwargs={"ws": highlight.workspace.slug, "highlight_id": highlight.pk})


def _from_feedback(item: FeedbackItem) -> str:
    return reverse("suggestion-from-feedback", kwargs={"ws": item.workspace.slug, "item_id": item.pk})


def _has_words(item: FeedbackItem) -> bool:
    return bool(item.text.strip())  # a score alone says nothing to raise


def _links_of(person: Person) -> str:
    return reverse("customer-links", kwargs={"ws": person.workspace.slug, "person_id": person.pk})


def _board_of(conversation: Conversation) -> str:
    return reverse("brainstorm-board", kwargs={"ws": conversation.workspace.slug, "conversation_id": conversation.pk})


def _is_brainstorm(conversation: Conversation) -> bool:
    return conversation.kind == Kind.BRAINSTORM


def _thank_after(conversation: Conversation) -> str:
    return reverse("thanks-new", kwargs={"ws": conversation.workspace.slug}) + f"?conversation={conversation.pk}"


def _took_place(conversation: Conversation) -> bool:
    return conversation.occurred_at <= timezone.now()


def _pilot_customers(pilot: Pilot) -> str:
    return reverse("loop-pilot-messages", kwargs={"ws": pilot.workspace.slug, "pilot_id": pilot.pk})


def register_row_actions() -> None:
    add_row_action("highlight", RowAction("Raise as suggestion", _from_highlight))
    add_row_action("feedback_item", RowAction("Raise as suggestion", _from_feedback, _has_words))
    add_row_action("person", RowAction("Their own page", _links_of))
    add_row_action("conversation", RowAction("Open the board", _board_of, _is_brainstorm))
    add_row_action("conversation", RowAction("Send a thank-you", _thank_after, _took_place))
    add_row_action("pilot", RowAction("Tell its customers", _pilot_customers))
