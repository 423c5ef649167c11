import os
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def start_worker_thread(interval: float = 1.0) -> threading.Thread:
    """Run the background task worker inside the web process: one command serves a laptop install."""
    from django_tasks_db.management.commands.db_worker import Worker

    from outsidein.core import jobs

    worker = Worker(
        queue_names=["*"], interval=interval, batch=False, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id=jobs.worker_id("serve"), excluded_queue_names=[],
    )
    jobs.start_watch_thread()  # what a killed process left running is resumed or failed, now and every few seconds
    thread = threading.Thread(target=worker.run, name="outsidein-worker", daemon=True)
    thread.start()
    return thread


class Command(BaseCommand):
    help = "Serve Outside-In over HTTP (waitress), with a background worker in the same process by default."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true",
                            help="Do not run background tasks here (run `outsidein worker` separately).")

    def handle(self, *args: Any, host: str, port: int, threads: int, no_worker: bool, **options: Any) -> None:
        from waitress import serve

        from outsidein.wsgi import application

        if not no_worker:
            start_worker_thread()
            from outsidein.engagement.schedule import start_scheduler_thread

            start_scheduler_thread()
        db = settings.DATABASES["default"]
        where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"
        self.stdout.write(f"Outside-In is serving http://{host}:{port}/  (database: {where})")
        self.stdout.write("Press Ctrl+C to stop.")
        serve(application, host=host, port=port, threads=threads, ident="Outside-In")
