"""Background jobs: the one way to run long work (imports, analyses, digests) off the request.

A job is a Django task (``django.tasks.task``; the database backend of django-tasks-db in production,
the immediate backend in tests) that works on a row inheriting ``JobRow``. The row is the job's public
face: its status, its progress (``rows_done`` of ``rows_total``) and why it failed. Pages poll the row
with htmx (``core/_job_progress.html``) and the command line draws the same progress with tqdm, so a
user sees the work move wherever they started it.

    @task()
    def run_thing(row_id: int) -> None:
        row = Thing.objects.get(pk=row_id)
        with tracked(row) as progress:
            progress.start(total)
            ...
            progress.advance(done)

    start(run_thing, row.pk)                       # from a page or the API: a worker runs it
    with tracked(row, terminal_bar(...)) as p: ...  # from the command line: here, with a bar
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from django.db import models
from django.tasks import Task, TaskResult
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class JobRow(models.Model):
    """Status and progress of one background job, stored on the row the job works on."""

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error = models.TextField(blank=True, help_text="Why the job failed, in words a user can act on.")
    rows_total = models.PositiveIntegerField(null=True, blank=True)  # unknown until measured
    rows_done = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_running(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))


class JobFailed(Exception):
    """A job cannot go on; the message is shown to the user as it is."""


class Progress(Protocol):
    def start(self, total: int | None) -> None: ...

    def advance(self, done: int, **counters: int) -> None: ...

    def close(self) -> None: ...


class RowProgress:
    """Progress written to the job's row, at most every ``every`` seconds so a fast job is not slowed by it."""

    def __init__(self, row: JobRow, every: float = 0.5) -> None:
        self.row = row
        self.every = every
        self._last = 0.0
        self._pending: dict[str, Any] = {}

    def _write(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._pending and (force or now - self._last >= self.every):
            type(self.row)._default_manager.filter(pk=self.row.pk).update(**self._pending)
            for name, value in self._pending.items():
                setattr(self.row, name, value)
            self._pending = {}
            self._last = now

    def start(self, total: int | None) -> None:
        self._pending["rows_total"] = total
        self._write(force=True)

    def advance(self, done: int, **counters: int) -> None:
        self._pending.update(rows_done=done, **counters)
        self._write()

    def close(self) -> None:
        self._write(force=True)


class BarProgress:
    """The same progress as a tqdm bar on the terminal."""

    def __init__(self, description: str = "", unit: str = "row", file=None) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=None, desc=description, unit=unit, file=file or sys.stderr,
                        dynamic_ncols=True)

    def start(self, total: int | None) -> None:
        self.bar.reset(total=total)

    def advance(self, done: int, **counters: int) -> None:
        self.bar.update(done - self.bar.n)
        if counters:
            self.bar.set_postfix({k.removeprefix("rows_"): v for k, v in counters.items()}, refresh=False)

    def close(self) -> None:
        self.bar.close()


class _Tee:
    def __init__(self, *parts: Progress) -> None:
        self.parts = parts

    def start(self, total: int | None) -> None:
        for part in self.parts:
            part.start(total)

    def advance(self, done: int, **counters: int) -> None:
        for part in self.parts:
            part.advance(done, **counters)

    def close(self) -> None:
        for part in self.parts:
            part.close()


def terminal_bar(description: str = "", unit: str = "row", file=None) -> BarProgress:
    return BarProgress(description, unit, file)


@contextmanager
def tracked(row: JobRow, *also: Progress) -> Iterator[Progress]:
    """Run a job's body with its row marked running, then done or failed (with the reason kept on the row).

    ``JobFailed`` is expected (bad input): the row says why and the exception is not raised again.
    Anything else is a bug: the row says the job failed and the exception propagates to the task runner.
    """
    manager = type(row)._default_manager
    row.status, row.started_at, row.error = JobStatus.RUNNING, timezone.now(), ""
    manager.filter(pk=row.pk).update(status=row.status, started_at=row.started_at, error="")
    progress = _Tee(RowProgress(row), *also)
    try:
        yield progress
    except JobFailed as exc:
        _finish(row, JobStatus.FAILED, str(exc))
    except BaseException:
        _finish(row, JobStatus.FAILED, "The job stopped on an unexpected error; it has been logged.")
        raise
    else:
        _finish(row, JobStatus.DONE, "")
    finally:
        progress.close()


def _finish(row: JobRow, status: str, error: str) -> None:
    row.status, row.error, row.finished_at = status, error, timezone.now()
    type(row)._default_manager.filter(pk=row.pk).update(status=status, error=error, finished_at=row.finished_at)


def start(job: Task, *args: Any, **kwargs: Any) -> TaskResult:
    """Queue a job for a worker. Arguments must be JSON (ids, not rows); the row must already be saved.

    With the immediate backend (tests) the job has run when this returns.
    """
    return job.enqueue(*args, **kwargs)
