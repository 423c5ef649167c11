"""A highlight's sentiment is stored when it is saved, so rankings read it instead of scoring text per request."""

from outsidein.conversations import services as conversation_services
from outsidein.conversations.models import Conversation


def test_saved_highlight_carries_its_sentiment_and_follows_edits(workspace, owner):
    conversation = Conversation.objects.create(workspace=workspace, title="Coffee", created_by=owner)
    highlight = conversation_services.add_highlight(
        conversation, owner, kind="pain", text="The invoices are wrong every month and it is infuriating.")
    highlight.refresh_from_db()
    assert highlight.sentiment is not None and highlight.sentiment < -0.3

    conversation_services.update_highlight(highlight, text="Support was wonderful, thank you so much!")
    highlight.refresh_from_db()
    assert highlight.sentiment > 0.5
