from django.core.management.base import BaseCommand, CommandError

from outsidein.engagement.digest import send_weekly_digests
from outsidein.workspaces.models import Workspace


class Command(BaseCommand):
    help = ("Send this week's digest to every leader who has not had it yet (a rerun sends nothing twice). "
            "With --dry-run, print what would be sent without sending.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print recipients, subjects and figures only.")
        parser.add_argument("--workspace", metavar="SLUG", help="Only this workspace.")

    def handle(self, *args, dry_run: bool, workspace: str | None, **options):
        ws = None
        if workspace:
            ws = Workspace.objects.filter(slug=workspace).first()
            if ws is None:
                raise CommandError(f"No workspace with the slug “{workspace}”.")
        reports = send_weekly_digests(workspace=ws, dry_run=dry_run)
        if not reports:
            self.stdout.write("No leader to send a digest to.")
            return
        for report in reports:
            figures = ", ".join(f"{k}={'–' if v is None else v}" for k, v in report.figures.items())
            self.stdout.write(f"[{report.outcome}] {report.workspace} → {report.email}\n"
                              f"    Subject: {report.subject}\n    {figures}")
        counts: dict[str, int] = {}
        for report in reports:
            counts[report.outcome] = counts.get(report.outcome, 0) + 1
        self.stdout.write(self.style.SUCCESS(", ".join(f"{n} {outcome}" for outcome, n in counts.items())))
