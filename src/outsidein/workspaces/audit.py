"""The audit trail: who did what, when and from where, per workspace (``AuditEvent``).

The places that matter record their own events (``record``): sign-ins, membership and role changes, tokens,
customer links, exports, stage-gate overrides and messages sent to customers. Deletions are recorded here once
for every area: a row of a workspace deleted on purpose (``instance.delete()``, from a page, the API or a command)
is an event; the rows a deletion takes along with it, and clean-ups of whole querysets, are not. Who and from where
come from the request being served (``AuditContext``), or "command line" outside one. Events are kept for
``AUDIT_KEEP_DAYS`` (``purge``, run daily by the scheduler).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from outsidein.workspaces.models import AuditAction, AuditEvent, Membership, User, Workspace
from outsidein.workspaces.throttle import client_ip

_request: ContextVar[HttpRequest | None] = ContextVar("audited_request", default=None)


class AuditContext:
    """Makes the request being served the "who and from where" of the events recorded while serving it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def _address(request: HttpRequest) -> str | None:
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def _label(target: object) -> str:
    """What the event concerns, in words: a person by name and address, so that it reads without lookups."""
    text = str(target)
    email = getattr(target, "email", "")
    if email and email not in text:
        text = f"{text} <{email}>"
    return text[:300]


def record(workspace: Workspace | int, action: str, target: object = None, *, detail: dict[str, Any] | None = None,
           actor: User | None = None, request: HttpRequest | None = None) -> AuditEvent:
    """One event of ``workspace``; the actor is the request's person unless given."""
    request = request or _request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    where: dict[str, Any] = {"via": "command line"}
    if request is not None:
        where = {"via": "api" if request.path.startswith("/api/") else "web", "ip": _address(request),
                 "user_agent": request.headers.get("User-Agent", "")[:300]}
    kind = ""
    target_id = ""
    if isinstance(target, models.Model):
        kind, target_id = str(target._meta.verbose_name), str(target.pk)
    return AuditEvent.objects.create(
        workspace_id=workspace if isinstance(workspace, int) else workspace.pk, action=action,
        actor=actor, actor_email=actor.email if actor else "", target=_label(target) if target is not None else "",
        target_type=str(kind)[:60], target_id=target_id, detail=detail or {}, **where)


def record_export(workspace: Workspace, what: str, request: HttpRequest) -> AuditEvent:
    """A download of ``what``, with the filters it was made with (the query's non-empty fields)."""
    return record(workspace, AuditAction.EXPORTED, what, request=request,
                  detail={"filters": {k: v for k, v in request.GET.items() if v}})


def record_for_member_workspaces(user: User, action: str, *, request: HttpRequest | None,
                                 detail: dict[str, Any] | None = None) -> None:
    """A person's own event (a sign-in) in each workspace they belong to: each owner sees their members' sign-ins."""
    for workspace_id in Membership.objects.filter(user=user).values_list("workspace_id", flat=True):
        record(workspace_id, action, user, actor=user, request=request, detail=detail)


@receiver(user_logged_in, dispatch_uid="audit-signed-in")
def _signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record_for_member_workspaces(user, AuditAction.SIGNED_IN, request=request)


@receiver(user_logged_out, dispatch_uid="audit-signed-out")
def _signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record_for_member_workspaces(user, AuditAction.SIGNED_OUT, request=request)


@receiver(user_login_failed, dispatch_uid="audit-sign-in-refused")
def _sign_in_refused(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                     **kwargs: Any) -> None:
    email = str(credentials.get("username") or credentials.get("email") or "").strip().lower()
    user = User.objects.filter(email=email).first() if email else None
    if user is not None:  # an unknown address belongs to no workspace
        blocked = getattr(request, "throttle_block", None) is not None
        record_for_member_workspaces(user, AuditAction.SIGN_IN_REFUSED, request=request,
                                     detail={"reason": "too many failed attempts" if blocked else "wrong password"})


def _deleted(sender: type[models.Model], instance: models.Model, origin: object = None, **kwargs: Any) -> None:
    if origin is not instance:
        return  # taken along by another deletion, or a clean-up of many rows at once
    # A deletion the row's workspace itself started has that workspace as its origin, and stops above.
    workspace_id = getattr(instance, "workspace_id", None)
    if isinstance(workspace_id, int):
        record(workspace_id, AuditAction.DELETED, instance)


def track_deletions(*kinds: type[models.Model]) -> None:
    """Record the deletion of each row of these models (each with a ``workspace``). Only models people delete one
    at a time: a model with a listener loses Django's fast path for deleting many rows at once, so high-volume rows
    (feedback items, embeddings) are recorded through what holds them (their import) instead."""
    for kind in kinds:
        post_delete.connect(_deleted, sender=kind, dispatch_uid=f"audit-deleted-{kind._meta.label}")


def keep_days() -> int:
    return int(getattr(settings, "AUDIT_KEEP_DAYS", 365))


def purge(now: datetime | None = None) -> int:
    """Forget events older than the keeping time; how many were forgotten."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days())
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
