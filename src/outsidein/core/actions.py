"""Actions a later area offers on an earlier area's rows, e.g. "Raise as suggestion" on a highlight.

The page that shows a highlight belongs to conversations, which may not import the areas above it; so an area
registers its action here by the kind of row (a plain name) in its ``AppConfig.ready``, and the row's template
asks for the actions of its kind with ``{% row_actions "highlight" highlight as actions %}``. Only members who
may write see them: every action leads to a page that changes something.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _every_row(row: Any) -> bool:
    return True


@dataclass(frozen=True)
class RowAction:
    label: str
    url: Callable[[Any], str]  # the row -> the address of the action's page
    applies: Callable[[Any], bool] = _every_row  # whether this row offers it (e.g. only brainstorms have a board)


_actions: dict[str, list[RowAction]] = {}


def add_row_action(kind: str, action: RowAction) -> None:
    known = _actions.setdefault(kind, [])
    if all(a.label != action.label for a in known):
        known.append(action)


def row_actions(kind: str, row: Any) -> list[tuple[str, str]]:
    """(label, address) of every action registered for rows of ``kind``."""
    return [(action.label, action.url(row)) for action in _actions.get(kind, []) if action.applies(row)]
