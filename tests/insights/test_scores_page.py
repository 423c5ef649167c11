"""Voice pages: scores with margins and warnings, the period comparison, feedback list, import steps."""

from datetime import UTC, datetime

import factories
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outsidein.feedback import services as voice_services
from outsidein.feedback.models import BatchStatus, FeedbackItem, ImportBatch


def url(workspace, path: str) -> str:
    return f"/w/{workspace.slug}/voice/{path}"


@pytest.fixture
def responses(workspace):
    """March: 40 answers, NPS 0 (20 promoters, 20 detractors). April: 40 answers, NPS +50. Plus 5 in another segment."""
    acme = factories.account(workspace, "Acme", segment=factories.segment(workspace, "Enterprise"))
    tiny = factories.account(workspace, "Tiny", segment=factories.segment(workspace, "Carriers"))
    rows = []
    for i in range(40):
        rows.append(FeedbackItem(workspace=workspace, account=acme, received_at=datetime(2026, 3, 5, tzinfo=UTC),
                                 nps=10 if i % 2 else 2, csat=4, text=f"March {i}"))
        rows.append(FeedbackItem(workspace=workspace, account=acme, received_at=datetime(2026, 4, 5, tzinfo=UTC),
                                 nps=10 if i % 4 else 8, csat=5 if i % 2 else 3, ces=2, text=f"April {i}"))
    for i in range(5):
        rows.append(FeedbackItem(workspace=workspace, account=tiny, received_at=datetime(2026, 4, 9, tzinfo=UTC),
                                 nps=3, text=f"Carrier {i}"))
    voice_services.create_feedback(workspace, rows)
    return acme, tiny


def test_scores_page_shows_nps_with_margin_chart_and_segment_warnings(owner_client, workspace, responses):
    with CaptureQueriesContext(connection) as queries:
        page = owner_client.get(url(workspace, ""))
    assert page.status_code == 200
    html = page.content.decode()
    assert "NPS by month, with the 95% margin of error" in html and "<svg" in html
    assert "<polygon" in html  # the margin band
    assert "Carriers" in html and "few<" in html  # 5 answers in that segment: flagged
    assert "Only 40 responses" not in html  # overall n = 85 is enough
    # A bounded number of queries, whatever the data size (session, membership, and a few per metric).
    assert len(queries) < 25


def test_the_account_filter_narrows_the_scores_and_warns_on_small_samples(owner_client, workspace, responses):
    _, tiny = responses
    html = owner_client.get(url(workspace, ""), {"account": tiny.pk}).content.decode()
    assert "Only 5 responses" in html
    assert "-100.0" in html  # all five are detractors


def test_comparing_two_periods_names_a_real_change(owner_client, workspace, responses):
    acme, _ = responses
    html = owner_client.get(url(workspace, ""), {
        "account": acme.pk, "cmp-metric": "nps", "cmp-before_from": "2026-03-01", "cmp-before_to": "2026-03-31",
        "cmp-after_from": "2026-04-01", "cmp-after_to": "2026-04-30"}).content.decode()
    assert "0.0 → 75.0" in html and "more than noise" in html


def test_a_small_change_is_called_noise(owner_client, workspace, responses):
    html = owner_client.get(url(workspace, ""), {
        "cmp-metric": "ces", "cmp-before_from": "2026-04-01", "cmp-before_to": "2026-04-06",
        "cmp-after_from": "2026-04-07", "cmp-after_to": "2026-04-30"}).content.decode()
    assert "not enough data" in html  # no CES answers after 7 April


def test_an_empty_workspace_shows_no_scores_without_failing(owner_client, workspace):
    html = owner_client.get(url(workspace, "")).content.decode()
    assert "No NPS answers" in html


def test_feedback_list_filters_by_text_and_nps_group(owner_client, workspace, responses):
    html = owner_client.get(url(workspace, "feedback/"), {"q": "Carrier", "nps_group": "detractor"}).content.decode()
    assert "Carrier 0" in html and "March" not in html
    item = FeedbackItem.objects.filter(text="Carrier 0").get()
    assert "Carrier 0" in owner_client.get(item.get_absolute_url()).content.decode()


def test_upload_map_and_import_through_the_pages(owner_client, workspace):
    upload = SimpleUploadedFile("survey.csv", b"Response,Score,Comment\nr1,9,Fast and reliable\nr2,11,Too high\n")
    answer = owner_client.post(url(workspace, "imports/"), {"file": upload, "source_name": "Pulse survey",
                                                             "source": "survey"})
    batch = ImportBatch.objects.get()
    assert answer.status_code == 302 and answer["Location"] == batch.get_absolute_url()
    mapping_page = owner_client.get(batch.get_absolute_url()).content.decode()
    assert "Fast and reliable" in mapping_page and "Which column holds what" in mapping_page
    # Columns are offered in file order: Response, Score, Comment.
    answer = owner_client.post(url(workspace, f"imports/{batch.pk}/map/"),
                               {"col_0": "external_id", "col_1": "nps", "col_2": "text"})
    assert answer.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.rows_created == 1 and batch.rows_rejected == 1
    result = owner_client.get(batch.get_absolute_url()).content.decode()
    assert "nps 11 is out of range" in result and "hx-trigger" not in result
    download = owner_client.get(url(workspace, f"imports/{batch.pk}/rejected.csv"))
    body = b"".join(download.streaming_content).decode()
    assert body.splitlines()[0] == "line,reason,Response,Score,Comment" and body.splitlines()[1].startswith("3,")


def test_a_running_import_polls_its_progress(owner_client, workspace):
    batch = ImportBatch.objects.create(workspace=workspace, source_name="S", file_name="big.csv",
                                       stored_file="imports/x.csv", file_format="csv", mapping={"c": "text"},
                                       status=BatchStatus.RUNNING, rows_total=1000, rows_done=250)
    html = owner_client.get(url(workspace, f"imports/{batch.pk}/progress/")).content.decode()
    assert 'hx-trigger="every 1s"' in html and "250 of about 1000 rows done (25%)" in html


def test_a_mapping_without_content_is_refused_on_the_page(owner_client, workspace):
    upload = SimpleUploadedFile("s.csv", b"Name,City\nAnn,Berlin\n")
    owner_client.post(url(workspace, "imports/"), {"file": upload, "source_name": "S", "source": "survey"})
    batch = ImportBatch.objects.get()
    answer = owner_client.post(url(workspace, f"imports/{batch.pk}/map/"), {"col_0": "", "col_1": ""})
    assert answer.status_code == 422 and "Missing required column" in answer.content.decode()
    assert not FeedbackItem.objects.exists()


def test_a_viewer_cannot_upload(viewer_client, workspace):
    upload = SimpleUploadedFile("s.csv", b"comment\nHi\n")
    answer = viewer_client.post(url(workspace, "imports/"), {"file": upload, "source_name": "S", "source": "survey"})
    assert answer.status_code == 403 and not ImportBatch.objects.exists()


def test_feedback_export_neutralises_formulas(owner_client, workspace):
    factories.feedback_item(workspace, "=cmd|' /C calc'!A0", nps=9)
    answer = owner_client.get(url(workspace, "feedback/export.csv"))
    body = b"".join(answer.streaming_content).decode()
    assert "'=cmd" in body
