from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from outsidein.site.review.contents import review_for
from outsidein.site.review.pdf import RendererMissing, review_pdf
from outsidein.site.review.periods import PERIOD_FORMATS, PeriodError, parse_period, quarter_of
from outsidein.workspaces.selectors import workspace_for_command


class Command(BaseCommand):
    help = "Write the leadership review of a period as a PDF (e.g. --period 2026-Q4 --out review.pdf)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help=f"The period: {PERIOD_FORMATS}. Default: the running quarter.")
        parser.add_argument("--out", type=Path, help="File to write (default: leadership-review-<slug>-<period>.pdf).")
        parser.add_argument("--workspace", help="Workspace slug (needed when there are several).")

    def handle(self, *args: Any, period: str | None, out: Path | None, workspace: str | None, **options: Any) -> None:
        ws = workspace_for_command(workspace)
        try:
            chosen = parse_period(period) if period else quarter_of(timezone.now().astimezone(ws.tz).date())
        except PeriodError as error:
            raise CommandError(str(error)) from error
        review = review_for(ws, chosen)
        try:
            document = review_pdf(review)
        except RendererMissing as error:
            raise CommandError(str(error)) from error
        target = out or Path(review.file_name)
        try:
            target.write_bytes(document)
        except OSError as error:
            raise CommandError(f"Could not write {target}: {error.strerror}.") from error
        self.stderr.write(f"Wrote the leadership review of {chosen.name} for {ws.name} to {target} "
                          f"({len(document) // 1024} KB).")
