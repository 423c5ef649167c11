"""Pickers that scale: a searchable choice of an account, a person or a member.

A ``<select>`` lists every row, which is a megabyte of HTML with twenty thousand accounts and useless
on a phone. A picker renders only what is chosen; the person types and the options come from a search
endpoint of the area that owns the rows (htmx GET, at most ``PICKER_LIMIT`` rows, best match first).
The form field keeps its workspace-scoped queryset, so a posted id from elsewhere is a field error.

Core imports no area: kinds name their search endpoint by URL name only.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django import forms
from django.db import connection, models
from django.db.models.functions import Collate, Upper
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

PICKER_LIMIT = 20
# Below three characters a "contains" match finds almost every name (and no trigram index can serve it).
CONTAINS_MIN_LENGTH = 3
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class PickerKind:
    url_name: str  # the search endpoint, under /w/<slug>/
    noun: str
    plural: str


PICKER_KINDS: dict[str, PickerKind] = {
    "account": PickerKind("account-search", "account", "accounts"),
    "person": PickerKind("person-search", "person", "people"),
    "member": PickerKind("member-search", "member", "members"),
}


@dataclass(frozen=True)
class PickerOption:
    """One search result: what is shown once chosen (label) and what tells it apart (detail)."""

    value: int
    label: str
    detail: str = ""


def _chosen_ids(value: Any) -> list[int]:
    """The ids among a widget value; anything posted that is not an id is dropped (the field reports it)."""
    values = value if isinstance(value, (list, tuple)) else [value]
    ids = []
    for v in values:
        if isinstance(v, models.Model):
            v = v.pk
        if isinstance(v, int) or (isinstance(v, str) and v.isdigit() and len(v) < 19):
            ids.append(int(v))
    return ids


class Picker(forms.Widget):
    """A combobox text input, a listbox the search fills, and hidden inputs carrying the chosen ids."""

    template_name = "core/widgets/picker.html"

    def __init__(self, *, kind: str, search_url: str = "", multiple: bool = False,
                 params: dict[str, str] | None = None, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = PICKER_KINDS[kind]
        self.search_url = search_url
        self.allow_multiple_selected = multiple
        self.params = params or {}
        self.choices: Any = ()  # set by ModelChoiceField: a ModelChoiceIterator with .queryset and .field

    def __deepcopy__(self, memo: dict[int, Any]) -> "Picker":
        obj = super().__deepcopy__(memo)
        obj.params = dict(self.params)
        return obj

    def chosen(self, value: Any) -> list[PickerOption]:
        """The chosen rows only (one query for those ids), labelled as the field labels them."""
        ids = _chosen_ids(value)
        queryset = getattr(self.choices, "queryset", None)
        if not ids or queryset is None:
            return []
        label: Callable[[Any], str] = self.choices.field.label_from_instance
        by_id = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
        return [PickerOption(pk, label(by_id[pk])) for pk in dict.fromkeys(ids) if pk in by_id]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = self.chosen(value)
        input_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"].update({
            "multiple": self.allow_multiple_selected, "chosen": chosen, "search_url": self.search_url,
            "noun": self.kind.noun, "plural": self.kind.plural, "input_id": input_id,
            "listbox_id": f"{input_id}_options",
            "text": "" if self.allow_multiple_selected or not chosen else chosen[0].label,
            "params": self.params, "params_json": json.dumps(self.params),
        })
        return context

    def use_required_attribute(self, initial: Any) -> bool:
        # The text box is emptied once a chip is added; the field itself says when a choice is missing.
        return False

    def format_value(self, value: Any) -> Any:
        return value

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        # Like a multiple <select>: choosing nothing posts nothing, which is a value (the empty list).
        return False if self.allow_multiple_selected else name not in data


class SluggedWorkspace(Protocol):
    """What a picker needs of a workspace: the slug of its URLs (core knows no area, so not the model)."""

    slug: str


def use_picker[F: forms.Field](field: F, kind: str, workspace: SluggedWorkspace, *,
                               params: dict[str, str] | None = None) -> F:
    """Give a model choice field (already scoped to the workspace) the picker of ``kind``."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError("A picker chooses rows: use it on a ModelChoiceField or ModelMultipleChoiceField.")
    spec = PICKER_KINDS[kind]
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget = Picker(kind=kind, search_url=reverse(spec.url_name, kwargs={"ws": workspace.slug}),
                    multiple=multiple, params=params, attrs=dict(field.widget.attrs))
    widget.attrs.pop("size", None)
    widget.is_required = field.required
    widget.choices = field.choices
    field.widget = widget
    message = f"Choose the {spec.noun} from the list: the one given is not in this workspace."
    field.error_messages = {**field.error_messages, "invalid_choice": message, "invalid_pk_value": message}
    return field


def picker_field(queryset: models.QuerySet[Any], kind: str, workspace: SluggedWorkspace, *, multiple: bool = False,
                 params: dict[str, str] | None = None, **field_kwargs: Any) -> forms.ModelChoiceField[Any]:
    """A new picker field on a workspace-scoped queryset (for forms that build fields in __init__)."""
    field_class: type[forms.ModelChoiceField[Any]] = (
        forms.ModelMultipleChoiceField if multiple else forms.ModelChoiceField)
    field_kwargs.setdefault("required", False)
    return use_picker(field_class(queryset=queryset, **field_kwargs), kind, workspace, params=params)


# --- search --------------------------------------------------------------------------------------------

def clean_query(raw: str) -> str:
    # NUL cannot travel in a PostgreSQL string; runs of spaces are a typing slip, not a search.
    return " ".join((raw or "").replace("\x00", "").split())[:MAX_QUERY_LENGTH]


def name_key(field: str = "name") -> models.Expression:
    """The expression the name-search indexes are built on, so a prefix search reads the index in order.

    PostgreSQL: ``UPPER(name) COLLATE "C"`` (a C-collated btree serves ``LIKE 'ABC%'`` and its order).
    SQLite: ``name COLLATE NOCASE`` (its LIKE is case-insensitive, which only a NOCASE index serves).
    """
    if connection.vendor == "postgresql":
        return Collate(Upper(field), "C")
    return Collate(field, "NOCASE")


def search_by_name(queryset: models.QuerySet[Any], query: str, *, field: str = "name",
                   limit: int = PICKER_LIMIT) -> list[Any]:
    """Rows whose name starts with the query (in name order), then those containing it, at most ``limit``.

    Always the same two queries whatever the data, each reading at most ``limit`` rows through an index.
    """
    query = clean_query(query)
    ordered = queryset.alias(_name_key=name_key(field)).order_by("_name_key", "pk")
    if not query:
        return list(ordered[:limit])
    if connection.vendor == "postgresql":
        prefix = ordered.filter(_name_key__startswith=query.upper())
    else:
        prefix = ordered.filter(**{f"{field}__istartswith": query})
    found = list(prefix[:limit])
    if len(query) < CONTAINS_MIN_LENGTH:
        return found
    contains = (queryset.filter(**{f"{field}__icontains": query}).exclude(**{f"{field}__istartswith": query})
                .order_by(field, "pk"))
    return (found + list(contains[:limit]))[:limit]


def recent_first(recent: Sequence[Any], by_name: Sequence[Any], *, limit: int = PICKER_LIMIT) -> list[Any]:
    """Before anything is typed: the rows the person used last, then the rest by name, each once."""
    seen = {row.pk for row in recent}
    return [*recent, *(row for row in by_name if row.pk not in seen)][:limit]


def render_options(request: HttpRequest, options: Iterable[PickerOption], *, kind: str) -> HttpResponse:
    """The listbox rows for a search, or the "no match" line."""
    rows: Sequence[PickerOption] = list(options)
    return render(request, "core/widgets/picker_options.html", {
        "options": rows, "query": clean_query(request.GET.get("q", "")), "kind": PICKER_KINDS[kind],
        "limited": len(rows) >= PICKER_LIMIT,
    })
