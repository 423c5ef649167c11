import json
import zoneinfo
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.management.base import CommandError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower

from outsidein.core.pickers import CONTAINS_MIN_LENGTH, PICKER_LIMIT, PickerOption, clean_query
from outsidein.workspaces.models import AuditEvent, Membership, Role, User, Workspace


def workspace_for_command(slug: str | None) -> Workspace:
    """The workspace a command-line call means: the one named, or the only one there is."""
    if slug:
        ws = Workspace.objects.filter(slug=slug).first()
        if ws is None:
            raise CommandError(f"No workspace with slug “{slug}”.")
        return ws
    workspaces = list(Workspace.objects.all()[:2])
    if len(workspaces) != 1:
        raise CommandError("Name the workspace with --workspace SLUG (there is not exactly one).")
    return workspaces[0]


def search_members(
    workspace: Workspace, query: str, *, roles: Sequence[str] = (), exclude: User | None = None,
) -> list[PickerOption]:
    """Members for a picker (of some roles only, if named, and without ``exclude``): name or e-mail prefix
    first, then names containing the query."""
    query = clean_query(query)
    memberships = Membership.objects.filter(workspace=workspace).select_related("user")
    if exclude is not None:
        memberships = memberships.exclude(user=exclude)
    if roles:
        memberships = memberships.filter(role__in=[r for r in roles if r in Role.values])
    if query:
        prefix = Q(user__name__istartswith=query) | Q(user__email__istartswith=query)
        matches = (Q(user__name__icontains=query) | Q(user__email__icontains=query)
                   if len(query) >= CONTAINS_MIN_LENGTH else prefix)
        memberships = memberships.filter(matches).annotate(
            rank=Case(When(prefix, then=0), default=1, output_field=IntegerField()))
    else:
        memberships = memberships.annotate(rank=Value(0, output_field=IntegerField()))
    rows = memberships.order_by("rank", Lower("user__name"), "user__email")[:PICKER_LIMIT]
    return [PickerOption(m.user.pk, str(m.user), " · ".join(filter(None, [m.user.title, m.get_role_display()])))
            for m in rows]


def audit_events(workspace: Workspace, *, action: str = "", actor: User | None = None, since: date | None = None,
                 until: date | None = None) -> QuerySet[AuditEvent]:
    """The workspace's audit trail, newest first, filtered; days are the workspace's reporting days."""
    events = AuditEvent.objects.filter(workspace=workspace).select_related("actor")
    if action:
        events = events.filter(action=action)
    if actor is not None:
        events = events.filter(actor=actor)
    zone = zoneinfo.ZoneInfo(workspace.time_zone)
    if since:
        events = events.filter(at__gte=datetime.combine(since, time.min, zone))
    if until:
        events = events.filter(at__lt=datetime.combine(until + timedelta(days=1), time.min, zone))
    return events.order_by("-at", "-pk")


def audit_rows(events: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    """The audit trail as CSV rows, header first, read in chunks."""
    yield ["at", "who", "action", "what", "kind", "id", "detail", "ip", "via", "user_agent"]
    for e in events.iterator(chunk_size=2000):
        yield [e.at.isoformat(), e.actor_email, e.action, e.target, e.target_type, e.target_id,
               json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else "", e.ip or "", e.via,
               e.user_agent]
