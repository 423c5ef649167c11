"""A period still in progress is shown as such: drawn hollow and off the trend, marked partial in the API, and the
sentence above the chart compares complete periods only."""

from datetime import timedelta

import factories
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outsidein.feedback import services as voice_services
from outsidein.feedback.models import FeedbackItem
from outsidein.insights import selectors
from outsidein.insights.analysis.scores import period_start


def months_back(day, n):
    for _ in range(n):
        day = period_start(day - timedelta(days=1), "month")
    return day


@pytest.fixture
def history(workspace):
    """Three complete months of 120 answers each (NPS 0, then +20, then +50), and nothing yet this month."""
    account = factories.account(workspace, "Acme")
    this_month = period_start(selectors.today_in(workspace), "month")
    items = []
    for back, promoters, detractors in ((3, 60, 60), (2, 72, 48), (1, 90, 30)):
        when = timezone.make_aware(timezone.datetime.combine(months_back(this_month, back) + timedelta(days=9),
                                                             timezone.datetime.min.time()), workspace.tz)
        for i in range(120):
            nps = 10 if i < promoters else 3 if i < promoters + detractors else 8
            items.append(FeedbackItem(workspace=workspace, account=account, received_at=when, nps=nps, csat=4,
                                      text=f"answer {back}-{i}"))
    voice_services.create_feedback(workspace, items)
    return account


def two_angry_answers_today(workspace, account):
    now = timezone.now()
    voice_services.create_feedback(workspace, [
        FeedbackItem(workspace=workspace, account=account, received_at=now, nps=0, csat=1, text="late again"),
        FeedbackItem(workspace=workspace, account=account, received_at=now, nps=1, csat=1, text="still late"),
    ])


def test_two_answers_on_the_first_of_the_month_do_not_crash_the_trend(workspace, owner_client, api, history):
    before = selectors.metric_view(workspace, "nps", selectors.FeedbackFilter())
    two_angry_answers_today(workspace, history)
    after = selectors.metric_view(workspace, "nps", selectors.FeedbackFilter())

    # The month in progress is its own, partial point: -100 so far, from 2 responses.
    assert after.series[-1].partial and after.series[-1].estimate.n == 2
    assert after.series[-1].estimate.value == -100
    # The trend's last complete point, and the change the page reports, are what they were.
    assert after.last_full.start == before.last_full.start
    assert after.last_full.estimate.value == before.last_full.estimate.value == 50
    assert after.change.difference == pytest.approx(before.change.difference)

    page = owner_client.get(f"/w/{workspace.slug}/voice/").content.decode()
    panel = page[page.index('id="panel-nps"'):page.index('id="panel-csat"')]
    assert "class='partial'" in panel and "so far, n = 2" in panel
    assert "NPS in " in panel and "up 30.0 from" in panel and "more than noise" in panel
    assert "still in progress: 2 responses so far, too few to read" in panel

    body = api.get("/scores", metric="nps").json()
    assert body["time_zone"] == workspace.time_zone
    assert body["periods"][-1]["partial"] is True and body["periods"][-1]["n"] == 2
    assert [p["partial"] for p in body["periods"][:-1]] == [False, False, False]
    assert body["periods"][-2]["value"] == 50 and not body["periods"][-2]["few"]
    assert body["summary"][0].startswith("NPS in ")


def test_a_thin_complete_month_is_marked_few_but_not_partial(workspace, api, history):
    this_month = period_start(selectors.today_in(workspace), "month")
    when = timezone.make_aware(timezone.datetime.combine(months_back(this_month, 4) + timedelta(days=3),
                                                         timezone.datetime.min.time()), workspace.tz)
    voice_services.create_feedback(workspace, [FeedbackItem(workspace=workspace, account=history, received_at=when,
                                                            nps=9, text=f"early {i}") for i in range(5)])
    periods = api.get("/scores", metric="nps").json()["periods"]
    assert periods[0]["few"] and not periods[0]["partial"] and periods[0]["n"] == 5


def test_the_scores_page_costs_the_same_queries_for_ten_and_a_thousand_responses(workspace, owner_client):
    account = factories.account(workspace, "Acme", segment=factories.segment(workspace, "Enterprise"))
    now = timezone.now()

    def add(n):
        voice_services.create_feedback(workspace, [
            FeedbackItem(workspace=workspace, account=account, received_at=now - timedelta(days=i % 400),
                         nps=i % 11, csat=1 + i % 5, ces=1 + i % 7, text=f"t{i}-{n}") for i in range(n)])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(f"/w/{workspace.slug}/voice/").status_code == 200
        return len(captured)

    add(10)
    small = queries()
    add(1000)
    assert queries() == small
