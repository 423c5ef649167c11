"""A customer's own page, reached through their link: what they raised and what became of it, and a new idea.

A new concern, idea or suggestion arrives the way any feedback does, through feedback's ``ItemWriter`` (so the
score rollup and tallies stay in step and a double post is one item), attributed to the person and their account,
and then raises a suggestion: it joins the open thread it repeats or starts one, owned by the member who made the
link (if still a member).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outsidein.core.scoping import scoped
from outsidein.customers.models import Person
from outsidein.feedback import rules
from outsidein.feedback.imports import FeedbackRow, ItemWriter, SentimentScorer
from outsidein.feedback.models import FeedbackItem, Source
from outsidein.loop import links, telling, threads
from outsidein.loop.models import (
    CustomerLink,
    Message,
    MessageStatus,
    RaisedVia,
    Raiser,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from outsidein.workspaces.models import Membership, User

SOURCE_NAME = "Customer page"
MAX_WORDS = 2_000

# The status as the customer reads it: what it means for them, not the team's workflow word.
STATUS_FOR_CUSTOMER = {
    SuggestionStatus.HEARD: "Noted",
    SuggestionStatus.CONSIDERING: "We are looking into it",
    SuggestionStatus.PILOTING: "Being tried out",
    SuggestionStatus.DONE: "Done",
    SuggestionStatus.NOT_DOING: "Not doing",
}


@dataclass
class Thread:
    """One suggestion the person raised, with every time they raised it."""

    suggestion: Suggestion
    said: list[Raiser] = field(default_factory=list)
    told_at: datetime | None = None

    @property
    def status_label(self) -> str:
        return STATUS_FOR_CUSTOMER.get(SuggestionStatus(self.suggestion.status), self.suggestion.status)

    @property
    def what_happened(self) -> str:
        # The same sentence the message of the status change says, so the page and the mail never disagree.
        return telling.what_happened(self.suggestion, self.suggestion.status)

    @property
    def next_step(self) -> str:
        return "" if self.suggestion.is_closed else self.suggestion.next_step.strip()


def threads_of(person: Person) -> list[Thread]:
    """What the person raised, one entry per suggestion, the one they spoke of last first."""
    raisers = (scoped(Raiser, person.workspace).filter(person=person)
               .select_related("suggestion__pilot").order_by("-said_at", "-id"))
    by_suggestion: dict[int, Thread] = {}
    for raiser in raisers:
        by_suggestion.setdefault(raiser.suggestion_id, Thread(raiser.suggestion)).said.append(raiser)
    told = (scoped(Message, person.workspace)
            .filter(person=person, suggestion_id__in=list(by_suggestion), status=MessageStatus.SENT)
            .order_by("sent_at").values_list("suggestion_id", "sent_at"))
    for suggestion_id, sent_at in told:
        if suggestion_id is not None:
            by_suggestion[suggestion_id].told_at = sent_at  # the latest wins
    for thread in by_suggestion.values():
        thread.said.reverse()  # oldest first within a thread: how the conversation went
    return list(by_suggestion.values())


def _item_row(person: Person, text: str, now: datetime) -> FeedbackRow:
    # Recognised by the person, the day and the words: a double tap or a resent form is one item, not two.
    key = rules.content_key(SOURCE_NAME, Source.CUSTOMER_PAGE,
                            (timezone.localdate(now, person.workspace.tz).isoformat(), "", f"person:{person.pk}",
                             "", "", "", text), [])
    return FeedbackRow(person.workspace_id, Source.CUSTOMER_PAGE, SOURCE_NAME, "",
                       hashlib.sha256(key.encode()).hexdigest(), now, person.account_id, person.pk, None, None, None,
                       {}, text, None, None)


def _owner(link: CustomerLink) -> User | None:
    """Who made the link answers what comes through it, while they are a member; else the thread has no owner yet."""
    if link.created_by_id is None:
        return None
    member = Membership.objects.filter(workspace_id=link.workspace_id, user_id=link.created_by_id).exists()
    return link.created_by if member else None


def add_from_page(link: CustomerLink, *, text: str, kind: str = SuggestionKind.SUGGESTION) -> threads.Raised:
    """Take what the customer wrote on their page: a feedback item of theirs, raised on a suggestion thread."""
    if not link.is_live:
        raise ValidationError("This link no longer works.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Tell us what you have in mind."})
    if len(text) > MAX_WORDS:
        raise ValidationError({"text": f"Please keep it under {MAX_WORDS} characters."})
    if kind not in SuggestionKind.values:
        kind = SuggestionKind.SUGGESTION
    person = link.person
    now = timezone.now()
    rows = [_item_row(person, text, now)]
    SentimentScorer().fill(rows)
    owner = _owner(link)
    with transaction.atomic():
        writer = ItemWriter()
        writer.write(rows)
        writer.close()
        item = FeedbackItem.objects.get(pk=writer.outcomes[0][1])
        raised = threads.raise_suggestion(
            person.workspace, None, words=text, via=RaisedVia.CUSTOMER_PAGE, person=person, said_at=item.received_at,
            first_hand=False, kind=kind, owner=owner, feedback_item=item)
        links.mark_used(link)
    return raised
