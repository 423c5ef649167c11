"""Amounts of money as people read them: always with their currency, short on a page, exact on demand.

A workspace keeps its revenue figures in one currency (``Workspace.currency``, an ISO 4217 code). Pages show
``€1.2M`` with the exact figure in a tooltip; the API gives the number and the code side by side, so an
integration never has to guess what 1,200,000 means.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# Active ISO 4217 codes (funds and precious metals left out): what a workspace may keep its revenue in.
_ISO_4217_TEXT = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY
TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
"""
ISO_4217 = frozenset(_ISO_4217_TEXT.split())

# Where a sign is unambiguous to the people likely to read it; any other code is written out ("CHF 1.2M").
SYMBOLS = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩", "ILS": "₪", "NGN": "₦",
    "PHP": "₱", "UAH": "₴", "VND": "₫", "TRY": "₺", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "HKD": "HK$",
    "SGD": "S$", "MXN": "MX$", "BRL": "R$", "CNY": "CN¥",
}
ZERO_DECIMAL = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "XPF", "BIF", "DJF",
                          "GNF", "KMF", "RWF", "VUV"})
STEPS = ((Decimal(1_000_000_000_000), "T"), (Decimal(1_000_000_000), "B"), (Decimal(1_000_000), "M"),
         (Decimal(1_000), "k"))


def currency_of(workspace_or_code: Any) -> str:
    """The ISO code of a workspace (or a code passed as it is); USD when nothing says otherwise."""
    code = getattr(workspace_or_code, "currency", workspace_or_code)
    return code.upper() if isinstance(code, str) and code else "USD"


def _decimal(amount: Any) -> Decimal | None:
    if amount is None or amount == "":
        return None
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _with_sign(number: str, code: str, negative: bool) -> str:
    symbol = SYMBOLS.get(code)
    text = f"{symbol}{number}" if symbol else f"{code} {number}"
    return f"−{text}" if negative else text


def short_money(amount: Any, currency: Any) -> str:
    """€1.2M, $840k, £950, CHF 12k: three significant figures at most, and the currency always."""
    value = _decimal(amount)
    if value is None:
        return "—"
    code = currency_of(currency)
    magnitude = abs(value)
    for step, suffix in STEPS:
        if magnitude >= step:
            scaled = magnitude / step
            places = 0 if scaled >= 100 else 1  # "1.2M", "840k": the exact figure is in the title
            text = f"{scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            if text == "1000" and suffix != "T":  # 999.96k rounds to the next step
                text, suffix = "1", {"k": "M", "M": "B", "B": "T"}[suffix]
            return _with_sign(text + suffix, code, value < 0)
    return _with_sign(f"{magnitude.quantize(Decimal(1), rounding=ROUND_HALF_UP):,f}", code, value < 0)


def exact_money(amount: Any, currency: Any) -> str:
    """The figure to the unit of the currency: €1,234,567.89 (¥1,234,568)."""
    value = _decimal(amount)
    if value is None:
        return "—"
    code = currency_of(currency)
    exponent = Decimal(1) if code in ZERO_DECIMAL else Decimal("0.01")
    return _with_sign(f"{abs(value).quantize(exponent, rounding=ROUND_HALF_UP):,f}", code, value < 0)


def api_money(amount: Any, workspace: Any) -> dict[str, float | str | None]:
    """An amount for the API: the number and the ISO code of its currency, side by side."""
    value = _decimal(amount)
    return {"amount": None if value is None else float(value), "currency": currency_of(workspace)}


def money_html(amount: Any, workspace_or_code: Any) -> str:
    """``€1.2M`` for a page, with the exact figure and the ISO code in its title (safe HTML)."""
    from django.utils.html import format_html

    if _decimal(amount) is None:
        return "—"
    code = currency_of(workspace_or_code)
    return format_html('<span class="money" title="{} ({})">{}</span>', exact_money(amount, code), code,
                       short_money(amount, code))
