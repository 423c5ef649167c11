"""The leadership review: the figures of a period, a PDF that holds them, the page that downloads it and the
command that writes it."""

from datetime import UTC, date, datetime
from pathlib import Path

import factories
import pypdfium2
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from outsidein.conversations.models import Conversation
from outsidein.customers.models import Person
from outsidein.feedback.selectors import FeedbackFilter
from outsidein.initiatives.models import Initiative, Stage, StageMove
from outsidein.insights import score_words
from outsidein.insights import selectors as insights
from outsidein.insights.models import DriverAnalysis
from outsidein.loop.models import Message, MessageKind, MessageStatus, Raiser, StatusChange, Suggestion
from outsidein.site.review.contents import review_for
from outsidein.site.review.periods import PeriodError, parse_period, quarter_of, recent_quarters

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
Q3 = parse_period("2026-Q3")


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def words_of(pdf: Path) -> str:
    """The PDF's text with its line breaks undone, as a reader would quote it."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


# -- periods -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "first", "after", "name"), [
    ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), "Q4 2026"),
    ("2026q1", date(2026, 1, 1), date(2026, 4, 1), "Q1 2026"),
    ("2026-02", date(2026, 2, 1), date(2026, 3, 1), "February 2026"),
    ("2026-12", date(2026, 12, 1), date(2027, 1, 1), "December 2026"),
    (" 2025 ", date(2025, 1, 1), date(2026, 1, 1), "2025"),
])
def test_a_period_is_read_as_people_write_it(text, first, after, name) -> None:
    period = parse_period(text)
    assert (period.first_day, period.next_first_day, period.name) == (first, after, name)
    assert parse_period(period.key) == period


@pytest.mark.parametrize(("text", "says"), [
    ("2026-Q5", "is not one Outside-In can read"), ("Q4", "is not one Outside-In can read"),
    ("2026-13", "months run from 1 to 12"), ("1899", "outside the years"), ("", "is not one"),
])
def test_a_period_that_cannot_be_read_says_what_is_expected(text, says) -> None:
    with pytest.raises(PeriodError, match=says) as caught:
        parse_period(text)
    assert '"2026-Q4" (a quarter)' in str(caught.value) or "outside the years" in says or "months" in says


def test_the_previous_period_is_the_one_just_before() -> None:
    assert parse_period("2026-Q1").previous().key == "2025-Q4"
    assert parse_period("2026-01").previous().key == "2025-12"
    assert [q.key for q in recent_quarters(date(2026, 12, 3), 3)] == ["2026-Q4", "2026-Q3", "2026-Q2"]


# -- the figures of a period, on constructed data ---------------------------------------------------------------

@pytest.fixture
def q3_history(workspace, owner, leader, member, account):
    """Conversations, loop steps and stage moves inside 2026-Q3 and just outside it."""
    for day, members in [("2026-07-01", [owner]), ("2026-08-15", [owner, leader]), ("2026-09-30", [owner]),
                         ("2026-06-30", [owner, leader]), ("2026-10-01", [leader]), ("2026-09-10", [member])]:
        factories.conversation(workspace, members=members, account=account, occurred_at=at(day))
    people = [Person.objects.create(workspace=workspace, name=f"Customer {i}", email=f"c{i}@example.com",
                                    account=account) for i in range(3)]
    idea = Suggestion.objects.create(workspace=workspace, title="Invoices that match", created_at=at("2026-07-02"))
    Suggestion.objects.create(workspace=workspace, title="Older idea", created_at=at("2026-05-02"))
    for i, day in enumerate(["2026-07-02", "2026-08-01", "2026-06-01"]):
        Raiser.objects.create(workspace=workspace, suggestion=idea, person=people[i], words="Please", said_at=at(day))
    StatusChange.objects.create(workspace=workspace, suggestion=idea, from_status="", to_status="heard",
                                changed_at=at("2026-07-02"))
    StatusChange.objects.create(workspace=workspace, suggestion=idea, from_status="heard", to_status="done",
                                changed_at=at("2026-09-01"))
    Suggestion.objects.filter(pk=idea.pk).update(status="done")
    for i, (kind, day) in enumerate([(MessageKind.UPDATE, "2026-09-02"), (MessageKind.UPDATE, "2026-09-02"),
                                     (MessageKind.THANKS, "2026-08-02"), (MessageKind.UPDATE, "2026-10-02")]):
        Message.objects.create(workspace=workspace, kind=kind, key=f"m{i}", person=people[i % 2], suggestion=idea,
                               subject="News", body="…", status=MessageStatus.SENT, sent_at=at(day))
    initiative = Initiative.objects.create(workspace=workspace, name="Invoice auto-match", pain_statement="Mismatches")
    Initiative.objects.filter(pk=initiative.pk).update(stage="solution")
    StageMove.objects.create(workspace=workspace, initiative=initiative, from_stage="pain", to_stage="solution",
                             moved_at=at("2026-08-20"))
    StageMove.objects.create(workspace=workspace, initiative=initiative, from_stage="solution", to_stage=Stage.GO_TO_MARKET,
                             moved_at=at("2026-10-20"))


def test_the_review_counts_what_happened_inside_the_period(workspace, owner, leader, q3_history) -> None:
    review = review_for(workspace, Q3, now=at("2026-12-03"))
    assert not review.in_progress
    # Each leader's own first-hand conversations in the quarter; the member is not a leader.
    assert {line.name: line.in_period for line in review.leaders} == {"Olivia Owner": 3, "Leo Leader": 1}
    assert review.conversations == 4 and review.median_per_leader == 2
    assert review.raised == 2  # the raiser of June is the quarter before's
    team = review.loop.team
    assert (team.closed, team.heard_back, team.thanks) == (1, 2, 1)  # the October update is the next quarter's
    assert review.threads_now == {"heard": 1, "considering": 0, "piloting": 0, "done": 1, "not_doing": 0}
    solution = next(s for s in review.stages if s.stage.key == "solution")
    assert (solution.count, solution.moved_in, [i.name for i in solution.first]) == (1, 1, ["Invoice auto-match"])
    assert next(s for s in review.stages if s.stage.key == Stage.GO_TO_MARKET).moved_in == 0  # moved in October
    assert review.pilots == [] and review.driver is None and review.themes == []


def test_a_running_period_shows_its_figures_so_far(workspace, owner, q3_history) -> None:
    review = review_for(workspace, Q3, now=at("2026-08-16"))
    assert review.in_progress and review.as_of == at("2026-08-16")
    assert {line.name: line.in_period for line in review.leaders}["Olivia Owner"] == 2


def test_the_review_reads_a_bounded_number_of_queries(workspace, q3_history, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(45):
        review_for(workspace, Q3, now=at("2026-12-03"))


# -- the PDF ------------------------------------------------------------------------------------------------------

def test_the_report_command_writes_a_pdf_with_the_key_figures(demo, tmp_path) -> None:
    ws = demo.workspace
    period = quarter_of(timezone.now().astimezone(ws.tz).date())
    out = tmp_path / "review.pdf"
    call_command("report", "--period", period.key, "--out", str(out), "--workspace", ws.slug)
    pages = PdfReader(out).pages
    assert 4 <= len(pages) <= 10, len(pages)
    text = words_of(out)
    assert f"Leadership review, {period.name}" in text
    # The figures are the product's own, worked out here again from the selectors the pages use.
    leaders = Conversation.members.through.objects.filter(
        conversation__workspace=ws, user__memberships__workspace=ws, user__memberships__role__in=["owner", "leader"],
        conversation__occurred_at__gte=period.start(ws.tz), conversation__occurred_at__lt=timezone.now())
    assert f"{leaders.count()} first-hand conversations with customers" in text
    nps = insights.compare(ws, "nps", FeedbackFilter(), (period.previous().first_day, period.previous().last_day),
                           (period.first_day, period.last_day))
    assert f"NPS in {period.name}: {score_words.with_margin(nps.after)} (n = {nps.after.n:,})" in text
    driver = DriverAnalysis.objects.filter(workspace=ws, status="done").order_by("-finished_at", "-id").first()
    assert driver is not None and f"Act first: {driver.result['act_first']}." in text
    for heading in ("The team's first-hand pulse", "What customers score", "Closing the loop", "Top themes",
                    "Key drivers", "Initiatives by stage", "Pilot verdicts"):
        assert heading in text
    assert "Late-load text alerts" in text and "Worked." in text  # the demo's finished pilot and its verdict
    # The journeys' canvases close it, each on a landscape page.
    assert "Customer journey: A shipment, end to end" in text and "Customer journey: Life as a customer" in text
    assert sum(float(p.mediabox.width) > float(p.mediabox.height) for p in pages) == 2
    # Each page as an image, for the user guide (docs/screenshots/review-*.png are copies of these).
    ARTIFACTS.mkdir(exist_ok=True)
    document = pypdfium2.PdfDocument(out)
    for number, page in enumerate(document, start=1):
        image = page.render(scale=1.4).to_pil()
        assert image.width > 800
        image.save(ARTIFACTS / f"review-page-{number}.png")
    document.close()


def test_the_report_command_names_a_period_it_cannot_read(workspace, tmp_path) -> None:
    with pytest.raises(CommandError, match='"2026-Q4" \\(a quarter\\)'):
        call_command("report", "--period", "last quarter", "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


# -- the page -----------------------------------------------------------------------------------------------------

def test_the_page_offers_the_recent_quarters_and_downloads_one(viewer_client, workspace, q3_history) -> None:
    url = reverse("review", kwargs={"ws": workspace.slug})
    page = viewer_client.get(url)
    assert page.status_code == 200
    today = timezone.now().astimezone(workspace.tz).date()
    assert f"?period={quarter_of(today).key}" in page.content.decode()
    response = viewer_client.get(url, {"period": "2026-Q3"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="leadership-review-acme-2026-Q3.pdf"'
    assert response.content.startswith(b"%PDF")


def test_the_page_says_what_is_wrong_with_a_period(owner_client, workspace) -> None:
    response = owner_client.get(reverse("review", kwargs={"ws": workspace.slug}), {"period": "2026-13"})
    assert response.status_code == 400
    assert "months run from 1 to 12" in response.content.decode()
    assert 'value="2026-13"' in response.content.decode()  # what was typed stays in the box
