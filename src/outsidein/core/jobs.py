"""Background jobs: the one way to run long work (imports, analyses, digests) off the request.

A job is a Django task (``django.tasks.task``; the database backend of django-tasks-db in production,
the immediate backend in tests) that works on a row inheriting ``JobRow``. The row is the job's public
face: its status, its progress (``rows_done`` of ``rows_total``), what it is doing now (``phase``) and why
it failed. Pages poll the row with htmx (``core/_job_progress.html``) and the command line draws the same
progress with tqdm, so a user sees the work move wherever they started it.

    @task()
    def run_thing(row_id: int) -> None:
        row = Thing.objects.get(pk=row_id)
        with tracked(row) as progress:
            progress.start(total)
            ...
            progress.advance(done)

    start_on(row, run_thing)                        # from a page or the API: a worker runs it
    with tracked(row, progress.terminal_bar(...)) as p: ...  # from the command line: here, with a bar

A running job holds a lease on its row: ``held_by`` names the process (host and pid) and ``heartbeat_at``
is renewed every few seconds, by its progress and by a heartbeat thread that beats even while progress
stands still. A process killed in the middle (``kill -9``, a lost machine) stops beating; once the lease
(``settings.JOB_LEASE_SECONDS``) has run out, or at once when the process is known to be gone from this
host, the job has *stopped*. Every worker looks for stopped jobs when it starts and every few seconds
while it polls (``recover_stopped_jobs``): a job that can resume (``JobRow.resume_task``: imports are
idempotent) is queued again, any other is failed with ``WORKER_STOPPED`` so that the next run is not
blocked. The task queue's own row of a stopped job is marked failed, so it is not counted as running.
"""

from __future__ import annotations

import copy
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, models
from django.db.models import F
from django.tasks import Task, TaskResult
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from outsidein.core.progress import Progress, Tee

logger = logging.getLogger(__name__)

WORKER_STOPPED = "The worker running this stopped; run it again."
# A job that has stopped this many times is failed rather than queued again: something in it kills workers.
MAX_RESUMES = 3
HOST = socket.gethostname()[:40]


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def lease_seconds() -> float:
    return float(getattr(settings, "JOB_LEASE_SECONDS", 30.0))


def heartbeat_seconds() -> float:
    """Six beats to a lease: a job is stopped only when several beats in a row went missing."""
    return lease_seconds() / 6


def holder() -> str:
    """This process, as a job's lease names it: host and pid."""
    return f"{HOST}:{os.getpid()}"


def worker_id(kind: str = "worker") -> str:
    """An id for a task queue worker that says where it runs, so a worker on the same host can tell it is gone."""
    return f"{kind}:{holder()}:{get_random_string(6)}"[-64:]


def _gone(where: str) -> bool:
    """True when ``where`` names a process of this host that no longer exists: "host:pid" (a job's holder) or
    "kind:host:pid:suffix" (a worker id). Another host's processes cannot be seen from here: the lease decides."""
    parts = where.split(":")
    for at in (len(parts) - 2, len(parts) - 3):
        if at >= 0 and parts[at] == HOST and parts[at + 1].isdigit():
            return _process_gone(int(parts[at + 1]))
    return False


def _process_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's process: alive
        return False
    return False


class JobRow(models.Model):
    """Status, progress and lease of one background job, stored on the row the job works on."""

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error = models.TextField(blank=True, help_text="Why the job failed, in words a user can act on.")
    rows_total = models.PositiveIntegerField(null=True, blank=True)  # unknown until measured
    rows_done = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=100, blank=True, help_text="What the running job does now, past its rows.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    held_by = models.CharField(max_length=100, blank=True, help_text="The process running the job (host:pid).")
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of that process.")
    task_id = models.CharField(max_length=64, blank=True, help_text="The task queue's id of the job's last run.")
    resumes = models.PositiveSmallIntegerField(default=0, help_text="Times the job was queued again after a stop.")

    # The task (dotted path, called with the row's id) that picks up a stopped job where it can: "" when the
    # job cannot resume and is failed instead.
    resume_task: ClassVar[str] = ""

    class Meta:
        abstract = True

    @property
    def is_running(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def is_stopped(self) -> bool:
        """Running, but its process has gone: the lease ran out, or the process is known to be dead."""
        if self.status != JobStatus.RUNNING:
            return False
        return _lease_over(self.heartbeat_at or self.started_at, _lease_cutoff()) or _gone(self.held_by)

    @property
    def can_resume(self) -> bool:
        return bool(self.resume_task) and self.resumes < MAX_RESUMES

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))


def _lease_cutoff() -> datetime:
    return timezone.now() - timedelta(seconds=lease_seconds())


def _lease_over(last: datetime | None, cutoff: datetime) -> bool:
    # A row marked running without ever being started by ``tracked`` has no lease to run out.
    return last is not None and last < cutoff


class JobFailed(Exception):
    """A job cannot go on; the message is shown to the user as it is."""


class RowProgress:
    """Progress written to the job's row, at most every ``every`` seconds so a fast job is not slowed by it.

    Each write renews the job's heartbeat too.
    """

    def __init__(self, row: JobRow, every: float = 0.5) -> None:
        self.row = row
        self.every = every
        self._last = 0.0
        self._pending: dict[str, Any] = {}

    def _write(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._pending and (force or now - self._last >= self.every):
            self._pending["heartbeat_at"] = timezone.now()
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

    def phase(self, text: str) -> None:
        self._pending["phase"] = text
        self._write(force=True)

    def close(self) -> None:
        self._write(force=True)


class Heartbeat:
    """Renews a running job's lease from a thread of its own, so a job busy in one long step (fitting a model,
    one big INSERT) still shows it is alive. It writes only while this process holds the row."""

    def __init__(self, row: JobRow, every: float | None = None) -> None:
        self.row, self.every = row, every or heartbeat_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True,
                                        name=f"job-heartbeat-{row._meta.model_name}-{row.pk}")

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 5)

    def _beat(self) -> None:
        manager = type(self.row)._default_manager
        mine = manager.filter(pk=self.row.pk, status=JobStatus.RUNNING, held_by=self.row.held_by)
        try:
            while not self._stop.wait(self.every):
                try:
                    mine.update(heartbeat_at=timezone.now())
                except DatabaseError:  # e.g. SQLite busy past its timeout: the next beat tries again
                    logger.warning("Heartbeat of %s %s missed", self.row._meta.label, self.row.pk, exc_info=True)
        finally:
            connections[manager.db].close()  # this thread's own connection


@contextmanager
def tracked(row: JobRow, *also: Progress) -> Iterator[Progress]:
    """Run a job's body with its row marked running (held by this process, with a heartbeat), then done or
    failed (with the reason kept on the row).

    ``JobFailed`` is expected (bad input): the row says why and the exception is not raised again.
    Anything else is a bug: the row says the job failed and the exception propagates to the task runner.
    """
    manager = type(row)._default_manager
    now = timezone.now()
    row.status, row.error, row.phase, row.held_by, row.heartbeat_at = JobStatus.RUNNING, "", "", holder(), now
    row.started_at = row.started_at or now  # a resumed job keeps when it first started
    manager.filter(pk=row.pk).update(status=row.status, started_at=row.started_at, error="", phase="",
                                     held_by=row.held_by, heartbeat_at=now)
    # Inside a transaction no other connection sees the row: the progress writes are its heartbeat then.
    heartbeat = None if connections[manager.db].in_atomic_block else Heartbeat(row).start()
    progress = Tee(RowProgress(row), *also)
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
        if heartbeat is not None:
            heartbeat.stop()
        progress.close()


def _finish(row: JobRow, status: str, error: str) -> None:
    row.status, row.error, row.finished_at, row.phase = status, error, timezone.now(), ""
    type(row)._default_manager.filter(pk=row.pk).update(status=status, error=error, finished_at=row.finished_at,
                                                        phase="")


def start(job: Task[..., Any], *args: Any, **kwargs: Any) -> TaskResult[..., Any]:
    """Queue a job for a worker. Arguments must be JSON (ids, not rows); the row must already be saved.

    With the immediate backend (tests) the job has run when this returns.
    """
    return job.enqueue(*args, **kwargs)


def start_on(row: JobRow, job: Task[..., Any]) -> TaskResult[..., Any]:
    """Queue ``job`` on ``row`` (it is called with the row's id) and keep the queue's id of the run on the row,
    so that if its worker dies the queue's row can be marked failed too."""
    result = start(job, row.pk)
    row.task_id = str(result.id)
    type(row)._default_manager.filter(pk=row.pk).update(task_id=row.task_id)
    return result


# -- stopped jobs ------------------------------------------------------------------------------------------


def job_models() -> list[type[JobRow]]:
    return [model for model in apps.get_models() if issubclass(model, JobRow)]


def recover(row: JobRow) -> str:
    """Take over a stopped job: queue it again when it can resume, fail it with ``WORKER_STOPPED`` otherwise.

    Returns "resumed", "failed", or "" when another process took it over first (the update is conditional
    on the row being as it was read, so one worker of many does it).
    """
    manager = type(row)._default_manager
    as_read = manager.filter(pk=row.pk, status=row.status, held_by=row.held_by, heartbeat_at=row.heartbeat_at,
                             task_id=row.task_id)
    stopped_task = row.task_id
    if row.can_resume:
        # The task id is cleared with the claim: until the new run's id is on the row, nobody takes it for stopped.
        if not as_read.update(status=JobStatus.QUEUED, phase="", held_by="", heartbeat_at=None, task_id="",
                              resumes=F("resumes") + 1):
            return ""
        _fail_queue_row(stopped_task)
        row.refresh_from_db()
        start_on(row, import_string(row.resume_task))
        logger.warning("%s %s: its worker stopped; queued again", row._meta.label, row.pk)
        return "resumed"
    if not as_read.update(status=JobStatus.FAILED, error=WORKER_STOPPED, finished_at=timezone.now(), phase=""):
        return ""
    _fail_queue_row(stopped_task)
    logger.warning("%s %s: its worker stopped; failed", row._meta.label, row.pk)
    return "failed"


Shown = TypeVar("Shown", bound=JobRow)


def as_shown(row: Shown) -> Shown:
    """The row as a page shows it, without writing: a stopped job reads as the watch (``recover_stopped_jobs``)
    will leave it, failed with ``WORKER_STOPPED`` or queued again when it can resume. Pages read; the watch and
    the next write (``recover_if_stopped``) take the job over."""
    if not row.is_stopped:
        return row
    shown = copy.copy(row)
    if row.can_resume:
        shown.status, shown.phase = JobStatus.QUEUED, ""
    else:
        shown.status, shown.error, shown.phase = JobStatus.FAILED, WORKER_STOPPED, ""
    return shown


def recover_if_stopped(row: JobRow) -> JobRow:
    """The row as it should be shown: a stopped job is taken over first (resumed or failed)."""
    if row.is_stopped and recover(row):
        row.refresh_from_db()
    return row


def recover_stopped_jobs() -> list[tuple[str, int, str]]:
    """Find the jobs whose worker stopped, on every job table and in the task queue, and take them over.

    Returns (model label, row id, "resumed" | "failed") for each job taken over.
    """
    _fail_queue_rows_of_gone_workers()
    cutoff = _lease_cutoff()
    done = []
    for model in job_models():
        manager = model._default_manager
        candidates = list(manager.filter(status=JobStatus.RUNNING))
        # Queued for a run that the queue says is over without the job having started: the worker died between.
        queued = list(manager.filter(status=JobStatus.QUEUED).exclude(task_id=""))
        over = _finished_queue_rows([row.task_id for row in queued])
        candidates += [row for row in queued if row.task_id in over]
        for row in candidates:
            stopped = (row.status == JobStatus.QUEUED or _lease_over(row.heartbeat_at or row.started_at, cutoff)
                       or _gone(row.held_by))
            if stopped and (outcome := recover(row)):
                done.append((model._meta.label, row.pk, outcome))
    return done


def _queue_rows() -> models.Manager[Any] | None:
    """The database task queue's rows, or None when tasks do not go through it (the immediate backend)."""
    if "django_tasks_db" not in settings.TASKS.get("default", {}).get("BACKEND", ""):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


def _uuids(task_ids: list[str]) -> list[str]:
    """The ids that can be the queue's (UUIDs); the immediate backend's are not."""
    good = []
    for task_id in task_ids:
        try:
            good.append(str(uuid.UUID(task_id)))
        except ValueError:
            continue
    return good


def _finished_queue_rows(task_ids: list[str]) -> set[str]:
    rows, ids = _queue_rows(), _uuids(task_ids)
    if rows is None or not ids:
        return set()
    return {str(pk) for pk in rows.filter(pk__in=ids, status__in=("FAILED", "SUCCESSFUL")).values_list("pk", flat=True)}


def _fail_queue_row(task_id: str) -> int:
    rows = _queue_rows()
    if rows is None or not _uuids([task_id]):
        return 0
    return rows.filter(pk=task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now(), return_value=None,
        exception_class_path=f"{__name__}.WorkerStopped", traceback=WORKER_STOPPED)


def _fail_queue_rows_of_gone_workers() -> None:
    """A task the queue says is running, claimed by a worker of this host that no longer exists, has failed."""
    rows = _queue_rows()
    if rows is None:
        return
    for pk, worker_ids in rows.filter(status="RUNNING").values_list("pk", "worker_ids"):
        if worker_ids and _gone(worker_ids[-1]):
            _fail_queue_row(str(pk))
            logger.warning("Task %s: its worker %s stopped; failed", pk, worker_ids[-1])


def repeat(action: Callable[[], object], every: float, what: str, stop: threading.Event | None = None) -> None:
    """Run ``action`` now and then every ``every`` seconds until ``stop`` is set.

    A failing round is logged, never fatal (a database hiccup must not end a process's periodic work), and the
    thread's connection is closed after each round so an idle loop holds none open.
    """
    stop = stop or threading.Event()
    while True:
        try:
            action()
        except Exception:
            logger.exception("%s failed", what)
        finally:
            close_old_connections()
        if stop.wait(every):
            return


def start_repeating(action: Callable[[], object], every: float, what: str, name: str) -> threading.Thread:
    """``repeat`` in a daemon thread of this process."""
    thread = threading.Thread(target=repeat, args=(action, every, what), name=name, daemon=True)
    thread.start()
    return thread


def watch_stopped_jobs(stop: threading.Event | None = None, every: float | None = None) -> None:
    """Take over stopped jobs now and then every few seconds until ``stop`` is set."""
    repeat(recover_stopped_jobs, every or heartbeat_seconds(), "Looking for stopped jobs", stop)


def start_watch_thread(every: float | None = None) -> threading.Thread:
    return start_repeating(recover_stopped_jobs, every or heartbeat_seconds(), "Looking for stopped jobs",
                           "outsidein-job-watch")
