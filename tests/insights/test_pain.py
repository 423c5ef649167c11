"""Monetizable pain: themes and pain highlights ranked by revenue at stake, weighted by negativity, detractor
share and trend (docs/analytics/monetizable-pain.md), and turned into initiatives."""

import math
from decimal import Decimal

import factories
import pytest

from outsidein.conversations import services as conversation_services
from outsidein.customers.models import Account
from outsidein.feedback.models import FeedbackItem
from outsidein.insights import pain, theme_reach
from outsidein.insights.models import Theme, ThemeMember


def test_worked_example_of_the_documentation():
    # R = 1.3 M, sentiment −0.4, 6 detractors of 10 answers, share 10% -> 15% of items while 12% overall.
    score = pain.pain_score(1_300_000, pain.negativity(-0.4), 0.6, pain.trend_factor(0.05, 0.12))
    assert math.isclose(score, 3_536_000, rel_tol=1e-9)


def test_terms_without_data_leave_the_revenue_as_it_is():
    assert pain.pain_score(500_000, None, None, pain.trend_factor(None, 0.2)) == 500_000
    assert pain.pain_score(500_000, pain.negativity(0.0), 0.0) == 500_000
    assert pain.negativity(1.0) == 0.0 and pain.negativity(-1.0) == 1.0
    # One noisy month cannot multiply or divide the score by more than two.
    assert pain.trend_factor(0.5, 0.05) == 2.0 and pain.trend_factor(-0.5, 0.05) == 0.5


def theme(workspace, name: str, items: list[FeedbackItem], *, revenue: int, sentiment: float,
          trend: float | None = None) -> Theme:
    row = Theme.objects.create(workspace=workspace, name=name, size=len(items), avg_sentiment=sentiment, trend=trend,
                               revenue_at_stake=Decimal(revenue), top_terms=name.split(),
                               representative_ids=[{"feedback": items[0].pk}])
    ThemeMember.objects.bulk_create([ThemeMember(workspace=workspace, theme=row, feedback_item=i) for i in items])
    theme_reach.store_reach(workspace, {row.pk: row})  # as the theme analysis does with its figures
    row.save()
    return row


@pytest.fixture
def ranked_workspace(workspace, owner):
    revenues = factories.accounts_with_revenue(workspace, {"Big Co": 1_000_000, "Small Co": 100_000})
    big, small = revenues["Big Co"], revenues["Small Co"]
    # Same revenue behind both themes; one is angry and raised by detractors, the other is mild praise.
    outages = [factories.feedback_item(workspace, f"The service was down again ({i})", account=big, nps=2,
                                       days_ago=1) for i in range(4)]
    praise = [factories.feedback_item(workspace, f"Support staff were friendly ({i})", account=big, nps=10,
                                      days_ago=1) for i in range(4)]
    invoices = [factories.feedback_item(workspace, f"Invoice was wrong ({i})", account=small, nps=5,
                                        days_ago=1) for i in range(4)]
    themes = {
        "outages": theme(workspace, "service outages", outages, revenue=1_000_000, sentiment=-0.6),
        "praise": theme(workspace, "friendly support", praise, revenue=1_000_000, sentiment=0.7),
        "invoices": theme(workspace, "wrong invoices", invoices, revenue=100_000, sentiment=-0.5, trend=0.1),
    }
    visit = conversation_services.save_conversation(workspace, owner, {"kind": "customer_visit", "account": big,
                                                                       "notes": ""})
    anonymous = conversation_services.save_conversation(workspace, owner, {"kind": "coffee", "notes": ""})
    highlights = {
        "big": conversation_services.add_highlight(visit, owner, kind="pain",
                                                   text="Every outage is a disaster and costs our warehouse a full shift"),
        "nobody": conversation_services.add_highlight(anonymous, owner, kind="pain",
                                                      text="The export is slow and frustrating"),
        "not pain": conversation_services.add_highlight(visit, owner, kind="gain",
                                                        text="The new dashboard saves us an hour"),
    }
    return themes, highlights


def test_ranking_puts_the_largest_monetizable_pain_on_top(workspace, ranked_workspace):
    themes, _ = ranked_workspace
    big = Account.objects.get(name="Big Co")
    ranking = pain.rank_pain(workspace)
    order = [(p.kind, p.id) for p in ranking.points]
    # The outages theme, then Big Co's own pain (1 M, negative, half detractors), then praise, then invoices.
    assert order == [("theme", themes["outages"].pk), ("account", big.pk), ("theme", themes["praise"].pk),
                     ("theme", themes["invoices"].pk)]
    assert [p.rank for p in ranking.points] == [1, 2, 3, 4]
    assert [p.score for p in ranking.points] == sorted((p.score for p in ranking.points), reverse=True)
    # The anonymous pain is not ranked (nothing known at stake) and is counted as such; a gain is not pain.
    assert ranking.total == 4 and ranking.unranked == 1

    outages = ranking.points[0]
    assert outages.detractor_share == 1.0 and outages.nps_answers == 4
    assert outages.accounts == 1 and outages.revenue == 1_000_000
    assert math.isclose(outages.score, 1_000_000 * (0.5 + 0.8) * 2.0)
    assert outages.index == 100
    assert math.isclose(outages.share_of_revenue, 1_000_000 / 1_100_000)
    invoices = ranking.points[3]
    # A growing theme: 4 of the 15 items (12 feedback, 3 highlights), and its share grew by 0.1.
    assert math.isclose(invoices.trend_factor, 1 + 0.1 / (4 / 15))
    assert invoices.index == round(100 * invoices.score / outages.score)


def test_an_accounts_pain_takes_its_revenue_and_nps(workspace, ranked_workspace):
    big = Account.objects.get(name="Big Co")
    point = next(p for p in pain.rank_pain(workspace).points if p.kind == "account")
    assert point.id == big.pk and point.title == "Big Co"
    assert point.revenue == 1_000_000 and point.accounts == 1 and point.highlights == 1
    # Big Co answered NPS eight times: four detractors (outages) and four promoters (praise).
    assert point.detractor_share == 0.5 and point.nps_answers == 8
    assert point.negativity > 0.5
    assert point.quote.text == "Every outage is a disaster and costs our warehouse a full shift"


def test_pain_page_lists_them_top_down(owner_client, workspace, ranked_workspace):
    themes, highlights = ranked_workspace
    page = owner_client.get(f"/w/{workspace.slug}/voice/pain/").content.decode()
    positions = [page.index(themes["outages"].name), page.index(highlights["big"].text),
                 page.index(themes["praise"].name), page.index(themes["invoices"].name)]
    assert positions == sorted(positions)
    assert highlights["nobody"].text not in page and "1 pain highlight from conversations with no account" in page
    # A rank and an index people can read; the formula sits behind "How this is computed".
    assert "2,600,000" not in page and "How this is computed" in page
    assert "$1M" in page and "90.9% of revenue" in page


def test_pain_page_costs_a_fixed_number_of_queries(owner_client, workspace, ranked_workspace, owner,
                                                   django_assert_max_num_queries):
    big = Account.objects.get(name="Big Co")
    for i in range(20):
        visit = conversation_services.save_conversation(workspace, owner, {"kind": "coffee", "account": big,
                                                                           "notes": ""})
        conversation_services.add_highlight(visit, owner, kind="pain", text=f"Outage number {i} hurt")
    with django_assert_max_num_queries(20):
        owner_client.get(f"/w/{workspace.slug}/voice/pain/")


@pytest.mark.skipif(not pain.initiatives_available(), reason="the initiatives app has no create service")
def test_start_an_initiative_from_a_pain_theme(owner_client, owner, workspace, ranked_workspace):
    from outsidein.initiatives.models import Initiative

    themes, _ = ranked_workspace
    page = owner_client.get(f"/w/{workspace.slug}/voice/pain/").content.decode()
    assert "Start initiative" in page
    response = owner_client.post(f"/w/{workspace.slug}/voice/pain/initiative/",
                                 {"kind": "theme", "id": themes["outages"].pk})
    assert response.status_code == 302
    initiative = Initiative.objects.get(workspace=workspace)
    assert initiative.name == "service outages"
    assert "The service was down again (0)" in initiative.pain_statement
    assert initiative.sponsor == owner and initiative.stage == "pain"


@pytest.mark.skipif(not pain.initiatives_available(), reason="the initiatives app has no create service")
def test_start_an_initiative_from_a_pain_highlight(owner_client, workspace, ranked_workspace):
    from outsidein.initiatives.models import Initiative

    _, highlights = ranked_workspace
    owner_client.post(f"/w/{workspace.slug}/voice/pain/initiative/", {"kind": "highlight", "id": highlights["big"].pk})
    initiative = Initiative.objects.get(workspace=workspace)
    assert initiative.pain_statement == "“Every outage is a disaster and costs our warehouse a full shift”"
    # A highlight that is not pain, or a row of another workspace, starts nothing.
    assert owner_client.post(f"/w/{workspace.slug}/voice/pain/initiative/",
                             {"kind": "highlight", "id": highlights["not pain"].pk}).status_code == 404
    assert Initiative.objects.count() == 1


def test_viewers_see_the_ranking_without_the_button(viewer_client, workspace, ranked_workspace):
    themes, _ = ranked_workspace
    page = viewer_client.get(f"/w/{workspace.slug}/voice/pain/").content.decode()
    assert themes["outages"].name in page and "Start initiative" not in page
    response = viewer_client.post(f"/w/{workspace.slug}/voice/pain/initiative/", {"kind": "theme",
                                                                          "id": themes["outages"].pk})
    assert response.status_code == 403


def test_api_lists_the_ranking(api, ranked_workspace):
    themes, _ = ranked_workspace
    body = api.get("/pain").json()
    top = body["items"][0]
    assert top == {
        "rank": 1, "index": 100, "kind": "theme", "id": themes["outages"].pk, "title": "service outages",
        "quote": "The service was down again (0)", "revenue_at_stake": 1_000_000, "currency": "USD",
        "share_of_revenue": top["share_of_revenue"], "accounts": 1, "carrying_accounts": 1, "highlights": 0,
        "negativity": 0.8, "detractor_share": 1.0, "nps_answers": 4, "trend_factor": 1.0, "score": 2_600_000,
    }
    assert math.isclose(top["share_of_revenue"], 1 / 1.1)
    assert body["count"] == 4
