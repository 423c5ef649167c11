"""Feedback search goes through a full-text index (FTS5 on SQLite, GIN on PostgreSQL), and the list costs the same
queries for ten items or hundreds."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outsidein.feedback import services as voice_services
from outsidein.feedback.models import FeedbackItem


def add(workspace, *texts):
    now = timezone.now()
    return voice_services.create_feedback(workspace, [
        FeedbackItem(workspace=workspace, text=text, received_at=now - timedelta(minutes=i), nps=i % 11)
        for i, text in enumerate(texts)])


def listed(client, workspace, **params) -> str:
    response = client.get(f"/w/{workspace.slug}/voice/feedback/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_search_finds_words_by_prefix_and_stem_in_this_workspace_only(workspace, other_workspace, owner_client):
    add(workspace, "The invoices were wrong twice", "Tracking is brilliant", "Driver was late")
    add(other_workspace, "Invoices from the other company")
    page = listed(owner_client, workspace, q="invoice")
    assert "The invoices were wrong twice" in page
    assert "Tracking is brilliant" not in page and "other company" not in page
    assert "Tracking is brilliant" in listed(owner_client, workspace, q="track")
    assert "Driver was late" in listed(owner_client, workspace, q="late driver")  # every word, any order
    # Search syntax typed by a person is only words to us: nothing breaks, nothing leaks.
    assert listed(owner_client, workspace, q='"invoice*"  (').count("The invoices were wrong twice") == 1


def test_an_edited_text_is_found_by_its_new_words(workspace, owner_client):
    (item,) = add(workspace, "Pallets arrived broken")
    item.text = "Pallets arrived wet"
    item.save()
    assert "Pallets arrived wet" in listed(owner_client, workspace, q="wet")
    assert "Pallets arrived" not in listed(owner_client, workspace, q="broken")


def test_the_feedback_list_costs_the_same_queries_for_ten_items_or_three_hundred(workspace, owner_client):
    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            listed(owner_client, workspace, **params)
        return len(captured)

    add(workspace, *(f"comment {i} about invoices" for i in range(10)))
    small, small_search = queries(), queries(q="invoices")
    add(workspace, *(f"another comment {i} about invoices" for i in range(290)))
    assert queries() == small and queries(q="invoices") == small_search
