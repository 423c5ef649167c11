"""How the voice area keeps what it reads from other areas up to date when those areas write."""

import math
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from outsidein.conversations.models import Conversation, Highlight
from outsidein.customers.models import Account, Segment
from outsidein.feedback import rollups
from outsidein.feedback.models import FeedbackItem
from outsidein.feedback.sentiment import score_text
from outsidein.workspaces.models import Workspace
from outsidein.workspaces.signals import reporting_zone_changed

# ``handler(instance, before, after)``: the field's values are read by name, so they are typed as any value.
type ChangeHandler[M: models.Model] = Callable[[M, Any, Any], None]
# ``change(instance, rows, sign)``: the stored state of the instance's row, counted (+1) or uncounted (-1).
type CountChange[M: models.Model] = Callable[[M, models.QuerySet[M], int], None]


def after_change_of[M: models.Model](model: type[M], field: str,
                                     uid: str) -> Callable[[ChangeHandler[M]], ChangeHandler[M]]:
    """Run the decorated ``handler(instance, before, after)`` after a save that changed ``field`` of an existing row.

    The stored value is read just before the save (one look-up by primary key), so a change made by any code
    path that saves the model is seen.
    """
    remembered = f"_{field}_before"

    def decorate(handler: ChangeHandler[M]) -> ChangeHandler[M]:
        def remember(sender: type[M], instance: M, raw: bool = False, **kwargs: Any) -> None:
            if raw or instance.pk is None:
                return
            setattr(instance, remembered,
                    model._default_manager.filter(pk=instance.pk).values_list(field, flat=True).first())

        def follow(sender: type[M], instance: M, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
            if raw or created or remembered not in instance.__dict__:
                return
            before, after = instance.__dict__.pop(remembered), getattr(instance, field)
            if before != after:
                handler(instance, before, after)

        pre_save.connect(remember, sender=model, dispatch_uid=f"{uid}-before", weak=False)
        post_save.connect(follow, sender=model, dispatch_uid=f"{uid}-after", weak=False)
        return handler

    return decorate


def counted_one_by_one[M: models.Model](model: type[M], uid: str, change: CountChange[M]) -> None:
    """Keep ``change(instance, rows, sign)`` told of single rows written through the ORM: the stored state is
    uncounted before a save or a deletion, the new state counted after the save."""

    def uncount(sender: type[M], instance: M, raw: bool = False, **kwargs: Any) -> None:
        if not raw and instance.pk is not None:
            change(instance, model._default_manager.filter(pk=instance.pk), -1)

    def count(sender: type[M], instance: M, raw: bool = False, **kwargs: Any) -> None:
        if not raw:
            change(instance, model._default_manager.filter(pk=instance.pk), +1)

    pre_save.connect(uncount, sender=model, dispatch_uid=f"{uid}-before", weak=False)
    post_save.connect(count, sender=model, dispatch_uid=f"{uid}-after", weak=False)
    pre_delete.connect(uncount, sender=model, dispatch_uid=f"{uid}-deleted", weak=False)


def highlight_sentiment(text: str) -> float | None:
    value = score_text(text)
    return None if math.isnan(value) else value


@receiver(pre_save, sender=Highlight, dispatch_uid="voice-highlight-sentiment")
def score_highlight(sender: type[Highlight], instance: Highlight, update_fields: frozenset[str] | None = None,
                    **kwargs: Any) -> None:
    # Scored once when written, so rankings read a stored number instead of running VADER per request.
    if update_fields is not None and "text" not in update_fields:
        return
    instance.sentiment = highlight_sentiment(instance.text)


# -- the score rollup follows accounts between segments --------------------------------------------------------
# A response counts in the segment its account is in; when the account moves, is deleted (its responses keep
# no account) or its segment is deleted, the counts move with it (feedback/rollups.py).


@after_change_of(Account, "segment_id", "voice-rollup-account")
def follow_segment(account: Account, before: int | None, after: int | None) -> None:
    rollups.move_account(account.workspace, account.pk, before, after)


@receiver(pre_delete, sender=Account, dispatch_uid="voice-rollup-account-deleted")
def account_deleted(sender: type[Account], instance: Account, **kwargs: Any) -> None:
    rollups.move_account(instance.workspace, instance.pk, instance.segment_id, None)


@receiver(pre_delete, sender=Segment, dispatch_uid="voice-rollup-segment-deleted")
def segment_deleted(sender: type[Segment], instance: Segment, **kwargs: Any) -> None:
    rollups.forget_segment(instance.workspace_id, instance.pk)


# -- single feedback items written through the ORM (the webhook, edits, deletions) -------------------------------
# The imports write in bulk and count in bulk (feedback/rollups.py); an item saved or deleted one at a time is
# counted here, so no write path can leave the rollup behind.


def _count_items(item: FeedbackItem, rows: models.QuerySet[FeedbackItem], sign: int) -> None:
    (rollups.add_items if sign > 0 else rollups.remove_items)(item.workspace, rows)


counted_one_by_one(FeedbackItem, "voice-rollup-item", _count_items)


# -- a new reporting zone moves day boundaries: the rollup is counted again ------------------------------------


@receiver(reporting_zone_changed, dispatch_uid="voice-rollup-new-zone")
def recount_on_new_zone(sender: type[Workspace], workspace: Workspace, **kwargs: Any) -> None:
    rollups.rebuild(workspace)


# -- pain highlights counted per account (AccountVoice) --------------------------------------------------------


counted_one_by_one(Highlight, "voice-pain-highlight",
                   lambda highlight, rows, sign: rollups.change_pain(highlight.workspace_id, rows, sign))


@after_change_of(Conversation, "account_id", "voice-pain-conversation")
def follow_conversation_account(conversation: Conversation, before: int | None, after: int | None) -> None:
    rollups.move_conversation(conversation.workspace_id, Highlight.objects.filter(conversation_id=conversation.pk),
                              before, after)
