"""Reads sent to a PostgreSQL streaming replica (``DATABASE_REPLICA_URL``), with read-your-writes.

Only views marked ``@replica_reads`` (list pages, insight pages, API lists: reads alone) read from the replica, and
only for a GET or HEAD of a person who has not written anything in the last ``REPLICA_STICKY_SECONDS``: a person who
just saved something, and the page their save redirects to, read the primary, so nobody misses their own write while
the replica catches up. Everything else, and every write, goes to the primary. Without a replica configured nothing
here does anything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)
SAFE_METHODS = ("GET", "HEAD")


def configured() -> bool:
    return REPLICA in settings.DATABASES


def wrote_lately(user: Any) -> bool:
    """True while a person's last write may not have reached the replica yet."""
    wrote_at = getattr(user, "wrote_at", None)
    sticky = timedelta(seconds=float(getattr(settings, "REPLICA_STICKY_SECONDS", 10)))
    return wrote_at is not None and timezone.now() - wrote_at < sticky


def replica_reads[V: Callable[..., Any]](view: V) -> V:
    """Let a view that only reads take its reads from the replica (see the module)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        use = configured() and request.method in SAFE_METHODS and not wrote_lately(request.user)
        token = _reading_replica.set(use)
        try:
            return view(request, *args, **kwargs)
        finally:
            _reading_replica.reset(token)

    return wrapped  # type: ignore[return-value]  # the same signature: functools.wraps


class ReplicaRouter:
    """Reads of a ``@replica_reads`` view go to the replica; everything else to the primary ("default")."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        return REPLICA if _reading_replica.get() else None

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"  # the replica replays the primary's migrations
