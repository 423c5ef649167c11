"""Finding conversations: full-text search over notes and highlights (SQLite FTS5 or PostgreSQL), and filters."""

from datetime import timedelta

import factories
import pytest
from django.utils import timezone

from outsidein.conversations import selectors, services


def found(workspace, query: str = "", **filters) -> set[int]:
    return set(selectors.conversation_list(workspace, query=query, **filters).values_list("pk", flat=True))


@pytest.fixture
def pallets(owner, workspace, account):
    return services.save_conversation(workspace, owner, {
        "account": account, "notes": "Hank showed us how the warehouse stacks pallets by hand."})


@pytest.fixture
def invoices(owner, workspace, account):
    return services.save_conversation(workspace, owner, {
        "account": account, "notes": "Finance complained about duplicated invoices."})


def test_finds_a_word_in_the_notes(workspace, pallets, invoices):
    assert found(workspace, "warehouse") == {pallets.pk}
    assert found(workspace, "INVOICES") == {invoices.pk}
    assert found(workspace, "warehouse invoices") == set()  # every word must match


def test_finds_by_prefix(workspace, pallets, invoices):
    assert found(workspace, "wareh") == {pallets.pk}
    assert found(workspace, "dupl") == {invoices.pk}


def test_finds_a_word_of_a_highlight_added_later_until_it_is_deleted(owner, workspace, pallets, invoices):
    assert found(workspace, "forklift") == set()
    highlight = services.add_highlight(pallets, owner, kind="pain", text="The forklift batteries die by noon",
                                       tags=["equipment"])
    assert found(workspace, "forklift") == {pallets.pk}
    assert found(workspace, "batteries") == {pallets.pk}
    assert found(workspace, "equipment") == {pallets.pk}  # tags are searchable too
    services.update_highlight(highlight, text="Scanners lose signal in aisle 9")
    assert found(workspace, "forklift") == set()
    assert found(workspace, "scanners") == {pallets.pk}
    services.delete_highlight(highlight)
    assert found(workspace, "scanners") == set()
    assert found(workspace, "warehouse") == {pallets.pk}


def test_edited_notes_are_searched_as_they_are_now(owner, workspace, pallets):
    services.save_conversation(workspace, owner, {"notes": "Only talked about pricing."}, conversation=pallets)
    assert found(workspace, "warehouse") == set()
    assert found(workspace, "pricing") == {pallets.pk}


@pytest.mark.parametrize("query", [
    '"foo AND (bar', "NEAR(x y", "a OR", "*", "-", "'", "pallets:*", "!&|", "\\", '"', "()",
    "col:value", "^hank", "x" * 500, "ünïcödé", "ware\u0000house", "NOT warehouse", "pallets AND",
    "_", "__ warehouse", "½ ²", "foo_bar", "the", "٣", "emoji 🚚",
])
def test_search_input_never_breaks_the_query(owner_client, workspace, pallets, query):
    list(selectors.conversation_list(workspace, query=query))
    response = owner_client.get(f"/w/{workspace.slug}/conversations/", {"q": query})
    assert response.status_code == 200


def test_search_with_operators_still_matches_the_words(workspace, pallets, invoices):
    assert found(workspace, '"warehouse (pallets*') == {pallets.pk}
    assert found(workspace, 'pallets" -hand') == {pallets.pk}
    assert found(workspace, "pallets OR invoices") == set()  # OR is not an operator: every word must match


def test_search_stays_in_the_workspace(owner, workspace, pallets, other_workspace):
    stranger = other_workspace.memberships.get().user
    account = factories.account(other_workspace, "Their account")
    theirs = services.save_conversation(other_workspace, stranger, {"account": account,
                                                                     "notes": "Their warehouse too"})
    assert found(workspace, "warehouse") == {pallets.pk}
    assert found(other_workspace, "warehouse") == {theirs.pk}


def test_deleted_conversation_is_not_found(workspace, pallets):
    services.delete_conversation(pallets)
    assert found(workspace, "warehouse") == set()


def test_filters(owner, member, leader, workspace, account, segment):
    retail = factories.segment(workspace, "Retail")
    shop = factories.account(workspace, "Corner shop", segment=retail)
    now = timezone.now()
    coffee = services.save_conversation(workspace, owner, {"account": account, "occurred_at": now - timedelta(days=1)})
    visit = services.save_conversation(workspace, member, {"account": shop, "kind": "customer_visit",
                                                           "occurred_at": now - timedelta(days=20)},
                                       members=[member, leader])
    old = services.save_conversation(workspace, leader, {"account": shop, "kind": "sales_ride_along",
                                                         "occurred_at": now - timedelta(days=90)})

    assert found(workspace) == {coffee.pk, visit.pk, old.pk}
    assert found(workspace, member_id=leader.pk) == {visit.pk, old.pk}
    assert found(workspace, member_id=owner.pk) == {coffee.pk}
    assert found(workspace, kind="customer_visit") == {visit.pk}
    assert found(workspace, account_id=shop.pk) == {visit.pk, old.pk}
    assert found(workspace, segment_id=segment.pk) == {coffee.pk}
    assert found(workspace, date_from=(now - timedelta(days=30)).date()) == {coffee.pk, visit.pk}
    assert found(workspace, date_to=(now - timedelta(days=10)).date()) == {visit.pk, old.pk}
    assert found(workspace, date_from=(now - timedelta(days=30)).date(),
                 date_to=(now - timedelta(days=10)).date()) == {visit.pk}
    # The day named in "to" is included.
    assert found(workspace, date_to=old.occurred_at.date()) == {old.pk}
    # A member filter must not repeat a conversation once per member present.
    assert selectors.conversation_list(workspace, member_id=leader.pk).count() == 2


def test_list_page_filters_and_search(owner_client, owner, member, workspace, account, segment):
    services.save_conversation(workspace, owner, {"account": account, "notes": "Talked about **pallets**"})
    services.save_conversation(workspace, member, {"account": account, "kind": "site_visit",
                                                   "notes": "Walked the dock"})
    url = f"/w/{workspace.slug}/conversations/"

    def listed(**params) -> str:
        response = owner_client.get(url, params)
        assert response.status_code == 200
        return response.content.decode()

    everything = listed()
    assert "pallets" in everything and "Walked the dock" in everything
    assert "Walked the dock" not in listed(q="pallet")
    assert "pallets" not in listed(kind="site_visit")
    assert "pallets" not in listed(member=member.pk)
    assert "Walked the dock" in listed(segment=segment.pk, account=account.pk)
    assert "No conversations match" in listed(date_to="2001-01-01")
    # A filter value that makes no sense is ignored rather than failing the page.
    assert "pallets" in listed(date_from="yesterday-ish", member="abc")


def test_list_page_answers_htmx_with_the_results_only(owner_client, owner, workspace, account):
    services.save_conversation(workspace, owner, {"account": account, "notes": "pallets"})
    response = owner_client.get(f"/w/{workspace.slug}/conversations/", {"q": "pallets"},
                                headers={"HX-Request": "true", "HX-Target": "conversation-results"})
    html = response.content.decode()
    assert "pallets" in html and "<html" not in html
