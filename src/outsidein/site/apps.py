from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "outsidein.site"
    # "site" alone reads like django.contrib.sites' and is easy to clash with; the label names the product's.
    label = "outsidein_site"
    verbose_name = "Outside-In site"

    def ready(self) -> None:
        from outsidein.conversations.models import Conversation, Highlight
        from outsidein.customers.models import Account, Competitor, Person, Product, Segment
        from outsidein.engagement.models import Challenge
        from outsidein.feedback.models import ImportBatch
        from outsidein.guides.models import Guide
        from outsidein.initiatives.models import Initiative, Pilot
        from outsidein.journeys.models import Journey, Touchpoint
        from outsidein.learning.models import Assumption, Evidence, Experiment
        from outsidein.loop.models import Idea, Suggestion
        from outsidein.workspaces.audit import track_deletions

        # The audit trail records deliberate deletions of what people own (not feedback items one by one: they go
        # with their import, whose deletion is recorded, and keep Django's fast path for deleting many rows).
        track_deletions(Conversation, Highlight, Account, Person, Segment, Competitor, Product, Guide, Assumption,
                        Evidence, Experiment, Initiative, Pilot, ImportBatch, Challenge, Suggestion, Idea, Journey,
                        Touchpoint)
