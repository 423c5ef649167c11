"""How the voice area keeps what it reads from other areas up to date when those areas write."""

import math

from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from outsidein.conversations.models import Conversation, Highlight
from outsidein.customers.models import Account, Segment
from outsidein.voice import rollups
from outsidein.voice.analysis.sentiment import score_text
from outsidein.voice.models import FeedbackItem
from outsidein.workspaces.models import Workspace
from outsidein.workspaces.signals import reporting_zone_changed


def highlight_sentiment(text: str) -> float | None:
    value = score_text(text)
    return None if math.isnan(value) else value


@receiver(pre_save, sender=Highlight, dispatch_uid="voice-highlight-sentiment")
def score_highlight(sender, instance: Highlight, update_fields=None, **kwargs) -> None:
    # Scored once when written, so rankings read a stored number instead of running VADER per request.
    if update_fields is not None and "text" not in update_fields:
        return
    instance.sentiment = highlight_sentiment(instance.text)


# -- the score rollup follows accounts between segments --------------------------------------------------------
# A response counts in the segment its account is in; when the account moves, is deleted (its responses keep
# no account) or its segment is deleted, the counts move with it (voice/rollups.py).


@receiver(pre_save, sender=Account, dispatch_uid="voice-rollup-account-before")
def remember_segment(sender, instance: Account, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    instance._segment_before = (Account.objects.filter(pk=instance.pk).values_list("segment_id", flat=True)
                                .first())


@receiver(post_save, sender=Account, dispatch_uid="voice-rollup-account-after")
def follow_segment(sender, instance: Account, created=False, raw=False, **kwargs) -> None:
    if raw or created or not hasattr(instance, "_segment_before"):
        return
    before = instance.__dict__.pop("_segment_before")
    rollups.move_account(instance.workspace, instance.pk, before, instance.segment_id)


@receiver(pre_delete, sender=Account, dispatch_uid="voice-rollup-account-deleted")
def account_deleted(sender, instance: Account, **kwargs) -> None:
    rollups.move_account(instance.workspace, instance.pk, instance.segment_id, None)


@receiver(pre_delete, sender=Segment, dispatch_uid="voice-rollup-segment-deleted")
def segment_deleted(sender, instance: Segment, **kwargs) -> None:
    rollups.forget_segment(instance.workspace_id, instance.pk)


# -- single feedback items written through the ORM (the webhook, edits, deletions) -------------------------------
# The imports write in bulk and count in bulk (voice/rollups.py); an item saved or deleted one at a time is
# counted here, so no write path can leave the rollup behind.


@receiver(pre_save, sender=FeedbackItem, dispatch_uid="voice-rollup-item-before")
def uncount_old_state(sender, instance: FeedbackItem, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    rollups.remove_items(instance.workspace, FeedbackItem.objects.filter(pk=instance.pk))


@receiver(post_save, sender=FeedbackItem, dispatch_uid="voice-rollup-item-after")
def count_new_state(sender, instance: FeedbackItem, raw=False, **kwargs) -> None:
    if raw:
        return
    rollups.add_items(instance.workspace, FeedbackItem.objects.filter(pk=instance.pk))


@receiver(pre_delete, sender=FeedbackItem, dispatch_uid="voice-rollup-item-deleted")
def uncount_deleted(sender, instance: FeedbackItem, **kwargs) -> None:
    rollups.remove_items(instance.workspace, FeedbackItem.objects.filter(pk=instance.pk))


# -- a new reporting zone moves day boundaries: the rollup is counted again ------------------------------------


@receiver(reporting_zone_changed, dispatch_uid="voice-rollup-new-zone")
def recount_on_new_zone(sender, workspace: Workspace, **kwargs) -> None:
    rollups.rebuild(workspace)


# -- pain highlights counted per account (AccountVoice) --------------------------------------------------------


@receiver(pre_save, sender=Highlight, dispatch_uid="voice-pain-highlight-before")
def uncount_old_pain(sender, instance: Highlight, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    rollups.change_pain(instance.workspace_id, Highlight.objects.filter(pk=instance.pk), -1)


@receiver(post_save, sender=Highlight, dispatch_uid="voice-pain-highlight-after")
def count_new_pain(sender, instance: Highlight, raw=False, **kwargs) -> None:
    if raw:
        return
    rollups.change_pain(instance.workspace_id, Highlight.objects.filter(pk=instance.pk), +1)


@receiver(pre_delete, sender=Highlight, dispatch_uid="voice-pain-highlight-deleted")
def uncount_deleted_pain(sender, instance: Highlight, **kwargs) -> None:
    rollups.change_pain(instance.workspace_id, Highlight.objects.filter(pk=instance.pk), -1)


@receiver(pre_save, sender=Conversation, dispatch_uid="voice-pain-conversation-before")
def remember_conversation_account(sender, instance: Conversation, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    instance._account_before = (Conversation.objects.filter(pk=instance.pk).values_list("account_id", flat=True)
                                .first())


@receiver(post_save, sender=Conversation, dispatch_uid="voice-pain-conversation-after")
def follow_conversation_account(sender, instance: Conversation, created=False, raw=False, **kwargs) -> None:
    if raw or created or not hasattr(instance, "_account_before"):
        return
    before = instance.__dict__.pop("_account_before")
    if before != instance.account_id:
        rollups.move_conversation(instance.workspace_id, Highlight.objects.filter(conversation_id=instance.pk),
                                  before, instance.account_id)
