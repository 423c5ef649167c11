"""`outsidein coach [--json] [FILE|-]`: review interview questions, one per line, with the question coach."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outsidein.guides.coach import Review, review_question


class Command(BaseCommand):
    help = (
        "Review interview questions with the question coach: one question per line from FILE, or from "
        "standard input when FILE is '-' or left out. Prints for each whether it is ok and its findings; "
        "with --json, one JSON list of {question, ok, findings: [{rule, message, suggestion}]}. "
        "A blank line gets the finding 'empty' unless --skip-empty is given."
    )
    # Lets tests and callers hand in a stream: call_command("coach", stdin=io.StringIO("..."))
    stealth_options = ("stdin",)
    # The coach reads text and touches no model or setting, so it runs even where the project is not
    # fully configured (no database yet, a check failing in another app).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-", help="File of questions, one per line; '-' or none "
                            "reads standard input.")
        parser.add_argument("--json", action="store_true", help="Print one JSON list instead of text.")
        parser.add_argument("--skip-empty", action="store_true",
                            help="Leave blank lines out instead of reporting them as 'empty'.")

    def handle(self, *args: Any, **options: Any) -> None:
        lines = self.read_lines(options["file"], options.get("stdin"))
        if options["skip_empty"]:
            blank = sum(1 for line in lines if not line.strip())
            lines = [line for line in lines if line.strip()]
            if blank:
                self.stderr.write(f"Skipped {blank} blank line{'s' if blank != 1 else ''}.")
        reviews = [review_question(line) for line in lines]
        if options["json"]:
            self.stdout.write(json.dumps([r.as_dict() for r in reviews], ensure_ascii=False, indent=2))
        else:
            self.write_text(reviews)

    def read_lines(self, name: str, stdin: TextIO | None) -> list[str]:
        if name == "-":
            stream = stdin or sys.stdin
            try:
                return stream.read().splitlines()
            except UnicodeDecodeError as exc:
                raise CommandError(f"Standard input is not UTF-8 text ({exc.reason}).") from exc
        path = Path(name)
        try:
            return path.read_text(encoding="utf-8-sig").splitlines()
        except FileNotFoundError as exc:
            raise CommandError(f"Cannot read {name}: no such file.") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"Cannot read {name}: it is a directory, not a file of questions.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"Cannot read {name}: it is not UTF-8 text ({exc.reason} at byte {exc.start}).") \
                from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror or exc}.") from exc

    def write_text(self, reviews: list[Review]) -> None:
        width = len(str(len(reviews)))
        for number, review in enumerate(reviews, start=1):
            status = self.style.SUCCESS("ok    ") if review.ok else self.style.WARNING("not ok")
            shown = review.question or "(blank line)"
            self.stdout.write(f"{number:>{width}}. {status}  {shown}")
            for finding in review.findings:
                self.stdout.write(f"{'':>{width}}    - {finding.rule}: {finding.message}")
                self.stdout.write(f"{'':>{width}}      Try: {finding.suggestion}")
        ok = sum(r.ok for r in reviews)
        if reviews:
            share = round(100 * ok / len(reviews))
            self.stdout.write(f"{ok} of {len(reviews)} question{'s' if len(reviews) != 1 else ''} ok ({share}%).")
        else:
            self.stdout.write("No questions to review.")
