"""How engagement reacts to the areas below it, which may not import engagement."""

from django.dispatch import receiver

from outsidein.conversations.signals import conversation_viewed
from outsidein.engagement.services import record_read


@receiver(conversation_viewed, dispatch_uid="engagement-record-read")
def count_relayed_read(sender, conversation, user, **kwargs) -> None:
    record_read(conversation, user)
