"""Amounts as people read them: the currency always shown, short on the page, exact in its title."""

from django.template import Context, Template

from outsidein.core.money import api_money, exact_money, short_money
from outsidein.workspaces.models import Workspace


def test_short_amounts_carry_their_currency():
    assert short_money(1_234_567, "EUR") == "€1.2M"
    assert short_money(840_000, "USD") == "$840k"
    assert short_money(950, "GBP") == "£950"
    assert short_money(12_500, "CHF") == "CHF 12.5k"  # no sign everyone reads: the code is written out
    assert short_money(999_960, "USD") == "$1M"
    assert short_money(-2_500_000, "EUR") == "−€2.5M"
    assert short_money(None, "EUR") == "—"


def test_exact_amounts_respect_the_currencys_minor_unit():
    assert exact_money(1_234_567.891, "EUR") == "€1,234,567.89"
    assert exact_money(1_234_567.5, "JPY") == "¥1,234,568"


def test_the_template_filter_and_the_api_helper_name_the_currency():
    workspace = Workspace(name="Acme", slug="acme", currency="EUR")
    html = Template("{% load outsidein %}{{ amount|money:ws }}").render(Context({"amount": 1_234_567, "ws": workspace}))
    assert html == '<span class="money" title="€1,234,567.00 (EUR)">€1.2M</span>'
    assert api_money(1_234_567, workspace) == {"amount": 1_234_567.0, "currency": "EUR"}
    assert api_money(None, workspace) == {"amount": None, "currency": "EUR"}
