from datetime import datetime
from typing import Any

from django import template
from django.utils.safestring import mark_safe

from outsidein.core.actions import row_actions as actions_for
from outsidein.core.crud import resolve_attr
from outsidein.core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    return mark_safe(render_markdown(text))


@register.filter
def attr(obj: Any, dotted: str) -> Any:
    return resolve_attr(obj, dotted)


@register.simple_tag(takes_context=True)
def ws_url(context: template.Context, name: str, *args: Any) -> str:
    """reverse() for a page inside the current workspace."""
    from django.urls import reverse

    return reverse(name, args=[context["ws"].slug, *args])


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination that keeps filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    query: str = params.urlencode()
    return query


@register.filter
def local_time(moment: datetime | None, zone: str | None = None) -> str:
    """``{{ c.occurred_at|local_time }}`` in the viewer's zone, ``|local_time:user.time_zone`` in a recipient's:
    "Tue 8 Dec, 10:00 CET (Europe/Berlin)"."""
    from outsidein.core.times import local_time as format_local_time

    return format_local_time(moment, zone or None)


@register.filter
def ago(moment: datetime | None) -> str:
    """``{{ job.created_at|ago }}``: "just now", "4 minutes ago", "2 days ago" (never "0 minutes ago")."""
    from django.contrib.humanize.templatetags.humanize import naturaltime
    from django.utils import timezone

    if moment is None:
        return ""
    if abs((timezone.now() - moment).total_seconds()) < 60:
        return "just now"
    return str(naturaltime(moment))


@register.filter
def money(amount: Any, workspace_or_code: Any = None) -> str:
    """``{{ amount|money:ws }}`` → €1.2M, with the exact figure (and the ISO code) in its title."""
    from outsidein.core.money import money_html

    return money_html(amount, workspace_or_code)


@register.simple_tag(takes_context=True)
def row_actions(context: template.Context, kind: str, row: Any) -> list[tuple[str, str]]:
    """The actions later areas offer on this row (``core.actions``), for members who may write."""
    return actions_for(kind, row) if context.get("can_write") else []
