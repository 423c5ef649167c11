"""Monetizable pain that discriminates: a readable rank and index, revenue at stake with its currency, its
share of revenue and concentration, each quote shown once, and a cost that does not grow with the data."""


import factories
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outsidein.conversations.models import Highlight
from outsidein.customers.models import Account
from outsidein.feedback import rollups
from outsidein.insights import pain, theme_reach
from outsidein.insights.models import Theme, ThemeMember

SAME_COMPLAINT = "The invoices are always late."


def pain_highlights(workspace, account: Account | None, texts_and_sentiments: list[tuple[str, float]]) -> None:
    conversation = factories.conversation(workspace, account=account)
    Highlight.objects.bulk_create([
        Highlight(workspace=workspace, conversation=conversation, kind="pain", text=text, sentiment=sentiment)
        for text, sentiment in texts_and_sentiments
    ])
    # Bulk inserts send no signals: count them as the product's bulk writers do.
    rollups.change_pain(workspace.pk, Highlight.objects.filter(conversation=conversation), +1)


def themed(workspace, name: str, raisers: list[Account], *, sentiment: float, quotes: list[str]) -> Theme:
    items = [factories.feedback_item(workspace, f"{name} ({i})", account=a, received_at=timezone.now())
             for i, a in enumerate(raisers)]
    quote_items = [factories.feedback_item(workspace, q, received_at=timezone.now()) for q in quotes]
    revenue = sum({a.pk: a.annual_revenue for a in raisers}.values())
    theme = Theme.objects.create(workspace=workspace, name=name, size=len(items) + len(quotes),
                                 avg_sentiment=sentiment, revenue_at_stake=revenue,
                                 representative_ids=[{"feedback": i.pk} for i in quote_items])
    ThemeMember.objects.bulk_create([ThemeMember(workspace=workspace, theme=theme, feedback_item=i)
                                     for i in items + quote_items])
    theme_reach.store_reach(workspace, {theme.pk: theme})  # as the theme analysis does with its figures
    theme.save()
    return theme


@pytest.fixture
def customers(workspace):
    workspace.currency = "EUR"
    workspace.save()
    # 10 M of revenue in all: one large customer, three mid-sized, six small.
    return factories.accounts_with_revenue(workspace, {"Titan": 5_000_000, "Mid A": 1_000_000, "Mid B": 1_000_000,
                                                       "Mid C": 1_000_000, **{f"Small {i}": 333_333 for i in range(6)}})


@pytest.fixture
def ranked(workspace, customers):
    c = customers
    billing = themed(workspace, "late invoices", [c["Titan"], c["Mid A"], c["Small 0"]], sentiment=-0.2,
                     quotes=[SAME_COMPLAINT, "Billing sends the invoice a month late"])
    onboarding = themed(workspace, "slow onboarding", [c["Small 1"], c["Small 2"], c["Small 3"]], sentiment=0.0,
                        quotes=[SAME_COMPLAINT.upper() + " ", "Setting up took weeks"])
    # Titan's pain: the same complaint as the billing theme's top quote first, then its own worst words.
    pain_highlights(workspace, c["Titan"], [(SAME_COMPLAINT, -0.9), ("Our CFO is furious about the invoices", -0.8)])
    pain_highlights(workspace, c["Mid B"], [("The export crashes every Monday", -0.7)])
    pain_highlights(workspace, None, [("Nobody knows who said this", -0.9)])
    return {"billing": billing, "onboarding": onboarding}


def test_rows_are_ranked_with_an_index_from_0_to_100(workspace, ranked, customers):
    ranking = pain.rank_pain(workspace)
    order = [(p.kind, p.title) for p in ranking.points]
    # Titan alone (5 M, very negative) outranks the billing theme (6.33 M, milder): 5 × 1.425 > 6.33 × 1.1.
    assert order == [("account", "Titan"), ("theme", "late invoices"), ("account", "Mid B"),
                     ("theme", "slow onboarding")]
    assert [p.rank for p in ranking.points] == [1, 2, 3, 4]
    indexes = [p.index for p in ranking.points]
    assert indexes[0] == 100 and indexes == sorted(indexes, reverse=True) and all(0 <= i <= 100 for i in indexes)
    assert ranking.total == 4 and ranking.unranked == 1


def test_revenue_at_stake_is_a_share_of_revenue_with_its_concentration(workspace, ranked):
    points = {p.title: p for p in pain.rank_pain(workspace).points}
    billing, onboarding = points["late invoices"], points["slow onboarding"]
    assert billing.share_of_revenue == pytest.approx(6_333_333 / 9_999_998)
    # 5 M of 6.33 M is 79%: Titan and one mid-sized account carry 80% of it.
    assert (billing.concentration.accounts, billing.concentration.carriers) == (3, 2)
    assert billing.concentration.text == "80% of it from 2 of 3 accounts"
    # Three equal small accounts: 80% needs all three.
    assert onboarding.share_of_revenue == pytest.approx(0.1, abs=0.001)
    assert onboarding.concentration.text == "80% of it from 3 of 3 accounts"
    assert points["Titan"].concentration.text == "all of it from 1 account"


def test_no_quote_repeats_down_the_list_and_the_worst_comes_first(workspace, ranked):
    points = {p.title: p for p in pain.rank_pain(workspace).points}
    # Titan, on top, shows its most negative words; the billing theme, below it, gives way to its next quote,
    # and the onboarding theme's top quote (the same words in capitals) is not shown again.
    assert points["Titan"].quote.text == SAME_COMPLAINT
    assert points["late invoices"].quote.text == "Billing sends the invoice a month late"
    assert points["slow onboarding"].quote.text == "Setting up took weeks"
    shown = [pain.normalized(p.quote.text) for p in points.values() if p.quote]
    assert len(shown) == len(set(shown)) == 4


def test_the_page_shows_amounts_in_the_workspace_currency(owner_client, workspace, ranked):
    page = owner_client.get(f"/w/{workspace.slug}/voice/pain/").content.decode()
    assert "€5M" in page and "€6.3M" in page and 'title="€6,333,333.00 (EUR)"' in page
    assert "63.3% of revenue, 80% of it from 2 of 3 accounts" in page
    assert page.count(SAME_COMPLAINT) == 1
    assert "How this is computed" in page
    themes = owner_client.get(f"/w/{workspace.slug}/voice/themes/").content.decode()
    assert "€6.3M" in themes and "80% of it from 2 of 3 accounts" in themes
    detail = owner_client.get(f"/w/{workspace.slug}/voice/themes/{ranked['billing'].pk}/").content.decode()
    assert "€6.3M" in detail and "63.3% of revenue" in detail


def test_the_api_gives_the_same_rows_with_their_currency_page_by_page(api, workspace, ranked, customers):
    body = api.get("/pain", limit=2).json()
    assert body["count"] == 4
    first, second = body["items"]
    assert (first["rank"], first["index"], first["kind"], first["id"]) == (1, 100, "account", customers["Titan"].pk)
    assert first["currency"] == "EUR" and first["revenue_at_stake"] == 5_000_000
    assert second["title"] == "late invoices" and second["carrying_accounts"] == 2 and second["accounts"] == 3
    assert second["share_of_revenue"] == pytest.approx(0.6333, abs=1e-4)
    rest = api.get("/pain", limit=2, offset=2).json()["items"]
    assert [r["rank"] for r in rest] == [3, 4] and rest[0]["title"] == "Mid B"
    assert api.get("/themes").json()["items"][0]["currency"] == "EUR"


def add_pain(workspace, n: int, start: int) -> None:
    """``n`` pain highlights over many accounts, some of them answering NPS."""
    for i in range(start, start + n, 5):
        account = factories.account(workspace, f"Customer {i}", annual_revenue=1000 + i)
        pain_highlights(workspace, account, [(f"Problem {j} hurt us", -0.5) for j in range(i, i + 5)])
        factories.feedback_item(workspace, account=account, nps=i % 11, received_at=timezone.now())


def page_queries(get, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert get(url).status_code == 200
    return len(captured)


def test_the_page_and_the_api_cost_the_same_queries_for_10_or_300_pain_highlights(owner_client, api, workspace,
                                                                                  ranked):
    add_pain(workspace, 10, 0)
    few = page_queries(owner_client.get, f"/w/{workspace.slug}/voice/pain/")
    api.get("/pain")  # the token's first use is recorded once
    few_api = page_queries(api.get, "/pain")
    add_pain(workspace, 290, 10)
    assert page_queries(owner_client.get, f"/w/{workspace.slug}/voice/pain/") == few
    assert page_queries(api.get, "/pain") == few_api
    ranking = pain.rank_pain(workspace, limit=50)
    assert len(ranking.points) == 50 and ranking.total == 2 + 2 + 60  # two themes, Titan, Mid B and the 60 new accounts


@pytest.mark.skipif(not pain.initiatives_available(), reason="the initiatives app has no create service")
def test_start_an_initiative_from_an_accounts_pain(owner_client, workspace, ranked, customers):
    from outsidein.initiatives.models import Initiative

    owner_client.post(f"/w/{workspace.slug}/voice/pain/initiative/", {"kind": "account",
                                                                       "id": customers["Titan"].pk})
    initiative = Initiative.objects.get(workspace=workspace)
    assert initiative.name == "Pain at Titan"
    assert initiative.pain_statement.startswith(f"“{SAME_COMPLAINT}”\n“Our CFO is furious about the invoices”")
    assert "€5,000,000.00 (EUR)" in initiative.pain_statement
