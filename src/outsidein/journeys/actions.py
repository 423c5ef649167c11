"""What journeys offer on earlier areas' rows (``core.actions``): link a highlight, a feedback item or a theme to a
journey touchpoint as evidence."""

from typing import Any

from django.urls import reverse

from outsidein.core.actions import RowAction, add_row_action

SOURCES = {"highlight": "highlight", "feedback_item": "feedback", "theme": "theme"}  # row kind -> query parameter


def _link_page(parameter: str) -> Any:
    def url(row: Any) -> str:
        return reverse("evidence-link-new", kwargs={"ws": row.workspace.slug}) + f"?{parameter}={row.pk}"
    return url


def _has_words(row: Any) -> bool:
    return bool((getattr(row, "text", "") or "").strip())


def register_row_actions() -> None:
    add_row_action("highlight", RowAction("Link to a journey", _link_page("highlight")))
    add_row_action("feedback_item", RowAction("Link to a journey", _link_page("feedback"), _has_words))
    add_row_action("theme", RowAction("Link to a journey", _link_page("theme")))
