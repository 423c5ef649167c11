"""Workspace settings: an owner sets the currency every amount is shown in and the reporting time zone."""

from outsidein.workspaces.models import Workspace
from outsidein.workspaces.signals import reporting_zone_changed


def settings_url(workspace) -> str:
    return f"/w/{workspace.slug}/settings/workspace/"


def test_an_owner_sets_the_currency_and_the_reporting_zone(owner_client, workspace):
    page = owner_client.get(settings_url(workspace)).content.decode()
    assert "Currency" in page and "Reporting time zone" in page
    response = owner_client.post(settings_url(workspace), {"name": "Acme", "currency": "eur",
                                                           "time_zone": "Europe/Berlin"})
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.currency == "EUR" and workspace.time_zone == "Europe/Berlin"


def test_a_word_instead_of_a_code_is_refused_with_a_message_naming_the_field(owner_client, workspace):
    response = owner_client.post(settings_url(workspace), {"name": "Acme", "currency": "euro",
                                                           "time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Currency: “euro” is not a currency code" in page
    assert "Reporting time zone: “Mars/Olympus” is not a known time zone" in page
    workspace.refresh_from_db()
    assert workspace.currency == "USD" and workspace.time_zone == "UTC"  # nothing saved


def test_a_new_reporting_zone_is_announced_to_whatever_counts_per_day(owner_client, workspace):
    heard = []

    def listener(sender, workspace, old_zone, **kwargs):
        heard.append((workspace.time_zone, old_zone))

    reporting_zone_changed.connect(listener)
    try:
        owner_client.post(settings_url(workspace), {"name": "Acme", "currency": "USD", "time_zone": "Asia/Tokyo"})
        owner_client.post(settings_url(workspace), {"name": "Acme Ltd", "currency": "USD",
                                                    "time_zone": "Asia/Tokyo"})
    finally:
        reporting_zone_changed.disconnect(listener)
    assert heard == [("Asia/Tokyo", "UTC")]  # a rename alone recounts nothing
    assert Workspace.objects.get(pk=workspace.pk).name == "Acme Ltd"


def test_members_read_the_settings_but_only_owners_change_them(member_client, workspace):
    page = member_client.get(settings_url(workspace)).content.decode()
    assert "Only an owner" in page and "USD" in page
    response = member_client.post(settings_url(workspace), {"name": "Mine", "currency": "GBP",
                                                            "time_zone": "UTC"})
    assert response.status_code == 403
    workspace.refresh_from_db()
    assert workspace.currency == "USD" and workspace.name == "Acme"
