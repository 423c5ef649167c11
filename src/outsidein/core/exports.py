"""CSV writing. Every cell goes through ``safe_cell`` so a spreadsheet never runs a formula it was handed.

What each export holds is the site layer's (``outsidein.site.exports``): it reads several areas, which core may not.
"""

import csv
from collections.abc import Iterable
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets skip leading blanks and line breaks before they look for a formula: " =1+1" and "\n=1+1" run.
LEADING_BLANKS = " \t\r\n\u00a0"


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would read as a formula (CSV injection)."""
    if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES)
                                   or value.lstrip(LEADING_BLANKS).startswith(FORMULA_PREFIXES)):
        return "'" + value
    return "" if value is None else value


def write_csv(writer: Any, rows: Iterable[Iterable[Any]]) -> int:
    count = -1  # the header is not a record
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        count += 1
    return max(count, 0)


class _Echo:
    """A file that hands back what is written to it: csv.writer's rows as strings, streamed as they are made."""

    def write(self, value: str) -> str:
        return value


def csv_download(rows: Iterable[Iterable[Any]], file_name: str) -> StreamingHttpResponse:
    """A CSV streamed to the browser as an attachment, header first, every cell made safe for a spreadsheet."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow([safe_cell(v) for v in row]) for row in rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
