"""How the voice area keeps what it reads from other areas up to date when those areas write."""

import math

from django.db.models.signals import pre_save
from django.dispatch import receiver

from outsidein.conversations.models import Highlight
from outsidein.voice.analysis.sentiment import score_text


def highlight_sentiment(text: str) -> float | None:
    value = score_text(text)
    return None if math.isnan(value) else value


@receiver(pre_save, sender=Highlight, dispatch_uid="voice-highlight-sentiment")
def score_highlight(sender, instance: Highlight, update_fields=None, **kwargs) -> None:
    # Scored once when written, so rankings read a stored number instead of running VADER per request.
    if update_fields is not None and "text" not in update_fields:
        return
    instance.sentiment = highlight_sentiment(instance.text)
