from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outsidein.core.imports import FileRejected, media_path
from outsidein.core.jobs import JobStatus
from outsidein.customers import imports as customer_imports
from outsidein.workspaces.models import Workspace
from outsidein.workspaces.selectors import workspace_for_command

KINDS = sorted([*customer_imports.KINDS, "feedback"])


class Command(BaseCommand):
    help = ("Import accounts or persons from a CSV file, or feedback from a CSV, XLSX or JSON Lines file. "
            "Rejected rows are listed with their line and reason.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--workspace", help="Workspace slug (needed when there are several).")
        parser.add_argument("--source", help="feedback: the source name, e.g. “Q3 NPS survey” (its column mapping "
                                             "is remembered).")
        parser.add_argument("--kind-of-source", dest="source_kind", default="survey",
                            choices=["survey", "support_ticket", "review", "sales_note"],
                            help="feedback: what the rows are (default survey).")
        parser.add_argument("--map", dest="mapping", default="",
                            help="feedback: column=field pairs, comma separated, e.g. "
                                 "'Comment=text,Score=nps,Support=driver'. Unmapped columns are guessed by name.")
        parser.add_argument("--no-progress", action="store_true", help="feedback: no progress bar.")

    def handle(self, *args: Any, kind: str, file: Path, workspace: str | None, **options: Any) -> None:
        ws = workspace_for_command(workspace)
        if kind == "feedback":
            return self.import_feedback(ws, file, **options)
        return self.import_customers(ws, kind, file)

    def import_customers(self, ws: Workspace, kind: str, file: Path) -> None:
        import csv

        try:
            file.open("rb").close()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        try:
            row = customer_imports.local_import(ws, kind, file)
        except FileRejected as exc:
            raise CommandError(f"{file}: {exc}") from exc
        row = customer_imports.run_import(row)  # here, as the job a page starts would
        if row.status == JobStatus.FAILED:
            raise CommandError(f"{file}: {row.error}")
        if row.rejected_report:
            with media_path(row.rejected_report).open(encoding="utf-8", newline="") as handle:
                for rejected in csv.DictReader(handle):
                    self.stderr.write(f"{file}:{rejected['line']}: {rejected['reason']}")
        self.stdout.write(f"{kind.capitalize()} from {file} into {ws.slug}: {row.summary()}.")

    def import_feedback(self, ws: Workspace, file: Path, *, source: str | None, source_kind: str, mapping: str,
                        no_progress: bool, **options: Any) -> None:
        import csv

        from outsidein.core.progress import terminal_bar
        from outsidein.feedback import imports, services
        from outsidein.feedback.models import BatchStatus
        from outsidein.insights import themes as themes_services

        if not source:
            raise CommandError("feedback needs --source NAME (where the feedback comes from).")
        if not file.is_file():
            raise CommandError(f"Cannot read {file}: no such file.")
        try:
            columns_to_fields = None
            if mapping:
                columns, _ = imports.FeedbackFile(file, imports.detect_format(file.name)).preview(limit=1)
                columns_to_fields = imports.complete_mapping(imports.parse_mapping_option(mapping), columns)
            batch = services.batch_for_local_file(ws, None, file, source_name=source, source=source_kind,
                                                  mapping=columns_to_fields)
        except imports.FileRejected as exc:
            raise CommandError(f"{file}: {exc}") from exc
        bars = () if no_progress else (terminal_bar(f"Importing {file.name}", file=self.stderr._out),)
        batch = imports.run_import(batch, *bars)
        if batch.status == BatchStatus.FAILED:
            raise CommandError(f"{file}: {batch.error}")
        if columns_to_fields:
            services.save_mapping(ws, source, batch.mapping)
        if batch.rejected_report:
            with imports.media_path(batch.rejected_report).open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    self.stderr.write(f"{file}:{row['line']}: {row['reason']}")
        self.stdout.write(
            f"Feedback from {file} into {ws.slug} ({source}): {batch.rows_created} created, "
            f"{batch.rows_duplicate} already there, {batch.rows_rejected} rejected."
        )
        if batch.rejected_report:
            self.stdout.write(f"Rejected rows: {imports.media_path(batch.rejected_report)}")
        if batch.rows_created:  # run_import placed them among the themes
            outcome = themes_services.batch_themes(batch)
            if outcome and (outcome.placed or outcome.unplaced):
                self.stdout.write(
                    f"Themes: {outcome.placed} new item{'s' if outcome.placed != 1 else ''} joined existing themes"
                    + (f", {outcome.unplaced} fit none closely enough (run the theme analysis again to find new "
                       "themes among them)." if outcome.unplaced else ".")
                )
