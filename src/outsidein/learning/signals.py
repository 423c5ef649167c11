"""Keep confidence right when evidence disappears with its source (a highlight or conversation deleted)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from outsidein.learning.models import Assumption, Evidence


@receiver(post_delete, sender=Evidence, dispatch_uid="learning-evidence-deleted")
def recompute_after_evidence_deleted(sender, instance: Evidence, **kwargs) -> None:
    from outsidein.learning.services import recompute_confidence

    # When the assumption itself is being deleted there is nothing left to recompute.
    assumption = Assumption.objects.filter(pk=instance.assumption_id).first()
    if assumption is not None:
        recompute_confidence(assumption)
