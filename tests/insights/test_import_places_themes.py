"""New feedback joins the workspace's existing themes as soon as its import finishes, from the import page's
background job and from `outsidein import feedback` alike, without a re-fit; the import page says so."""

import io

import factories
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from factories import client_for

from outsidein.feedback import services
from outsidein.insights import themes as themes_services
from outsidein.insights.models import ThemeMember, ThemeModelState
from outsidein.insights.themes import placing as themes_placing

TOPICS = {
    "delivery": ["My parcel delivery arrived late again", "The delivery was late and the parcel was damaged",
                 "Late delivery of my parcel for the third time", "Courier delivery of the parcel was two days late",
                 "Parcel delivery late and nobody called me", "Delivery slot missed, parcel arrived late"],
    "invoice": ["I was charged twice on my invoice", "The invoice amount is wrong, charged twice",
                "Invoice shows a charge I never ordered", "Billing charged my card twice for one invoice",
                "Wrong invoice total and a double charge", "Please fix the invoice, the charge is wrong"],
    "password": ["I cannot log in, the password reset email never arrives", "Password reset link broken, cannot log in",
                 "Login fails after the password reset", "Cannot log in to the app since the password change",
                 "The password reset page errors so I cannot log in", "Still cannot log in, password reset broken"],
}
NEW = [("N1", "The parcel delivery was late again this week", "delivery"),
       ("N2", "Charged twice on the invoice again", "invoice"),
       ("N3", "Password reset still broken and I cannot log in", "password")]
CSV = "id,comment,nps\n" + "".join(f"{key},{text},7\n" for key, text, _ in NEW)


@pytest.fixture
def themed(workspace):
    """A workspace whose feedback has been through a theme analysis."""
    for texts in TOPICS.values():
        for i, text in enumerate(texts):
            factories.feedback_item(workspace, text, source_name="old", days_ago=i + 1)
    themes = themes_services.run_theme_analysis(workspace, k=3)
    assert len(themes) == 3
    return workspace


def theme_of(workspace, external_id: str) -> str:
    member = ThemeMember.objects.get(workspace=workspace, feedback_item__external_id=external_id)
    return " ".join(member.theme.top_terms)


def assert_placed(workspace) -> None:
    for key, _, topic in NEW:
        assert topic in theme_of(workspace, key)
    assert themes_services.unthemed_count(workspace) == 0


def test_an_import_from_the_import_page_places_its_items_among_the_themes(themed, owner):
    fitted_at = ThemeModelState.objects.get(workspace=themed).fitted_at
    batch = services.upload_feedback_file(themed, owner, SimpleUploadedFile("new.csv", CSV.encode()),
                                          source_name="Q4 survey")
    services.start_import(batch)  # the background job (run at once by the test task backend)
    assert_placed(themed)
    # Placed among the themes there were, not re-fitted; the themes' figures count the newcomers.
    assert ThemeModelState.objects.get(workspace=themed).fitted_at == fitted_at
    assert sum(t.size for t in themes_services.live_themes(themed)) == 18 + len(NEW)
    page = client_for(owner).get(reverse("feedback-import-detail", kwargs={"ws": themed.slug, "batch_id": batch.pk}))
    assert "3 new items joined the existing" in page.content.decode()


def test_the_command_line_import_places_its_items_and_says_so(themed, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("import", "feedback", str(path), "--source", "Q4 survey", "--no-progress", stdout=out)
    assert_placed(themed)
    assert "Themes: 3 new items joined existing themes." in out.getvalue()


def test_without_a_theme_analysis_an_import_leaves_themes_alone(workspace, owner, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("import", "feedback", str(path), "--source", "Q4 survey", "--no-progress", stdout=out)
    assert "Themes:" not in out.getvalue()
    assert not ThemeMember.objects.exists()
    batch = services.upload_feedback_file(workspace, owner, SimpleUploadedFile("again.csv", CSV.encode()),
                                          source_name="Q4 survey")
    services.start_import(batch)
    page = client_for(owner).get(reverse("feedback-import-detail", kwargs={"ws": workspace.slug,
                                                                           "batch_id": batch.pk}))
    assert "joined the existing" not in page.content.decode() and not ThemeMember.objects.exists()


def test_the_import_page_follows_the_job_until_its_items_are_placed(themed, owner, monkeypatch):
    # The job covers placing: its rows are in, the batch still runs (in its placing phase) and the page polls.
    batch = services.upload_feedback_file(themed, owner, SimpleUploadedFile("new.csv", CSV.encode()),
                                          source_name="Q4 survey")
    progress = reverse("feedback-import-progress", kwargs={"ws": themed.slug, "batch_id": batch.pk})
    client = client_for(owner)
    seen_while_placing = []
    place = themes_services.place_imported_items

    def look_then_place(batch):
        seen_while_placing.append(client.get(progress).content.decode())
        return place(batch)

    monkeypatch.setattr(themes_services, "place_imported_items", look_then_place)
    services.start_import(batch)
    page = seen_while_placing[0]
    assert "Placing the new items among the existing themes" in page and "hx-trigger" in page
    assert "3 of about 3 rows done" in page

    page = client.get(progress).content.decode()
    assert "3 new items joined the existing" in page and "hx-trigger" not in page
    batch.refresh_from_db()
    assert (batch.status, batch.phase) == ("done", "")

@pytest.mark.django_db(transaction=True)  # the foreign keys are checked when the placing commits
def test_a_highlight_deleted_while_new_items_are_placed_does_not_stop_the_others(themed, owner, monkeypatch):
    import threading

    from django.db import connection

    from outsidein.conversations.models import Highlight

    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the placing's write transaction holds the database: nothing is deleted under it")
    conversation = factories.conversation(themed)
    # Word for word one of the theme's own texts, so whatever the method it is placed (and its membership written).
    doomed = Highlight.objects.create(workspace=themed, conversation=conversation, text=TOPICS["delivery"][0])
    corpus = themes_placing.corpus
    unthemed = []

    def delete_elsewhere():
        Highlight.objects.filter(pk=doomed.pk).delete()
        connection.close()

    def corpus_then_delete(workspace, unthemed_only=False):
        subjects = corpus(workspace, unthemed_only=unthemed_only)
        if unthemed_only:
            if not unthemed:  # someone deletes the highlight after it was read, before its membership is saved
                deleting = threading.Thread(target=delete_elsewhere)
                deleting.start()
                deleting.join()
            unthemed.append(len(subjects))
        return subjects

    monkeypatch.setattr(themes_placing, "corpus", corpus_then_delete)
    batch = services.upload_feedback_file(themed, owner, SimpleUploadedFile("new.csv", CSV.encode()),
                                          source_name="Q4 survey")
    services.start_import(batch)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_created) == ("done", 3)
    assert unthemed == [4, 3]  # placed again without the highlight that vanished
    assert_placed(themed)
    assert not Highlight.objects.filter(pk=doomed.pk).exists()
