"""The source kind a customer's own page gives its items is accepted wherever a source is read: the webhook (its
schema offers it) and a file's source column."""

from outsidein.feedback.models import FeedbackItem


def test_the_webhook_takes_items_of_the_customer_page_source(api, workspace):
    answer = api.post("/feedback?all_or_nothing=true", [{"source": "customer_page", "text": "Pay by card, please"}])
    assert answer.status_code == 200, answer.content
    assert FeedbackItem.objects.get(workspace=workspace).source == "customer_page"


def test_an_unknown_source_is_named(api, workspace):
    answer = api.post("/feedback", [{"source": "carrier pigeon", "text": "x"}])
    assert answer.json()["items"][0]["status"] == "rejected"
    assert answer.json()["items"][0]["reason"].startswith("source:")
    assert not FeedbackItem.objects.filter(workspace=workspace).exists()
