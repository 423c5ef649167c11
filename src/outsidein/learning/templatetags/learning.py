from django import template

register = template.Library()


@register.filter
def signed(value, places: int = 2) -> str:
    """A number with its sign, e.g. +0.35 or −0.20 (confidence and effects read better that way)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    text = f"{number:+.{int(places)}f}"
    return text.replace("-", "−") if number < 0 else text
