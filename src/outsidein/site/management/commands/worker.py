from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from outsidein.core import jobs


class Command(BaseCommand):
    help = "Run background tasks (imports, analyses, digests) from the database queue until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")

    def handle(self, *args: Any, batch: bool, interval: float, **options: Any) -> None:
        extra = ["--batch"] if batch else []
        if batch:
            jobs.recover_stopped_jobs()  # what a killed worker left running is queued again (or failed) first
        else:
            from outsidein.engagement.schedule import start_scheduler_thread

            start_scheduler_thread()  # periodic jobs (digest, rollover); each period runs once across processes
            jobs.start_watch_thread()  # stopped jobs: now, then every few seconds
        # The worker id names host and pid, so a worker on the same host can tell at once that this one is gone.
        call_command("db_worker", "--interval", str(interval), "--queue-name", "*", "--worker-id", jobs.worker_id(),
                     *extra, verbosity=options.get("verbosity", 1))
