"""Account revenue is shown in the workspace's currency, on the pages and in the API."""

from decimal import Decimal

import factories


def test_account_pages_and_api_show_revenue_with_its_currency(owner_client, api, workspace):
    workspace.currency = "GBP"
    workspace.save()
    account = factories.account(workspace, "Globex", annual_revenue=Decimal("1250000.50"))
    detail = owner_client.get(f"/w/{workspace.slug}/accounts/{account.pk}/").content.decode()
    assert "£1.3M" in detail and 'title="£1,250,000.50 (GBP)"' in detail
    listing = owner_client.get(f"/w/{workspace.slug}/accounts/").content.decode()
    assert "£1.3M" in listing
    body = api.get(f"/accounts/{account.pk}").json()
    assert Decimal(body["annual_revenue"]) == Decimal("1250000.50") and body["currency"] == "GBP"
    assert api.get("/accounts").json()["items"][0]["currency"] == "GBP"
