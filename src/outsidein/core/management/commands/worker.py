from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks (imports, analyses, digests) from the database queue until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")

    def handle(self, *args, batch, interval, **options):
        extra = ["--batch"] if batch else []
        if not batch:
            from outsidein.engagement.schedule import start_scheduler_thread

            start_scheduler_thread()  # periodic jobs (digest, rollover); each period runs once across processes
        call_command("db_worker", "--interval", str(interval), "--queue-name", "*", *extra,
                     verbosity=options.get("verbosity", 1))
