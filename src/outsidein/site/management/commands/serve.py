import os
import signal
import subprocess
import sys
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


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


def serve_processes(host: str, port: int, processes: int, threads: int) -> None:
    """Several web processes behind one address (gunicorn, threads in each): a team's server uses every core."""
    from gunicorn.app.base import BaseApplication

    from outsidein.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no types
        def load_config(self) -> None:
            for name, value in {"bind": f"{host}:{port}", "workers": processes, "threads": threads,
                                "worker_class": "gthread", "accesslog": None, "timeout": 120,
                                "proc_name": "outsidein"}.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return application

    connections.close_all()  # each web process opens its own; none is shared across the fork
    Server().run()


def start_worker_process() -> subprocess.Popen[bytes]:
    """`outsidein worker` beside the web processes: background work has one process of its own, not one per web
    process; it stops with the server."""
    return subprocess.Popen([sys.executable, "-m", "outsidein", "worker"])


class Command(BaseCommand):
    help = ("Serve Outside-In over HTTP: one process (waitress) with a background worker in it by default, or "
            "several web processes (gunicorn) and a worker process beside them with --processes.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8, help="Threads serving requests in each web process.")
        parser.add_argument("--processes", type=int, default=int(os.environ.get("OUTSIDEIN_WEB_PROCESSES", "1")),
                            help="Web processes (OUTSIDEIN_WEB_PROCESSES); more than one needs PostgreSQL or a "
                                 "SQLite file on this machine, and shares the file store (docs/deployment.md).")
        parser.add_argument("--no-worker", action="store_true",
                            help="Do not run background tasks here (run `outsidein worker` separately).")

    def handle(self, *args: Any, host: str, port: int, threads: int, processes: int, no_worker: bool,
               **options: Any) -> None:
        if processes < 1 or threads < 1:
            raise CommandError("--processes and --threads must be at least 1.")
        db = settings.DATABASES["default"]
        where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"
        self.stdout.write(f"Outside-In is serving http://{host}:{port}/  (database: {where}; "
                          f"{processes} web process{'es' if processes > 1 else ''})")
        self.stdout.write("Press Ctrl+C to stop.")
        if processes > 1:
            worker = None if no_worker else start_worker_process()
            try:
                serve_processes(host, port, processes, threads)
            finally:
                if worker is not None:
                    worker.send_signal(signal.SIGTERM)
                    worker.wait(timeout=30)
            return

        from waitress import serve

        from outsidein.wsgi import application

        if not no_worker:
            start_worker_thread()
            from outsidein.engagement.schedule import start_scheduler_thread

            start_scheduler_thread()
        serve(application, host=host, port=port, threads=threads, ident="Outside-In")
