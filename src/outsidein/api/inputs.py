"""What every API input must be before a handler sees it: a JSON object whose values a database can store.

Request bodies and query schemas derive from ``InputSchema``. Its one validator walks each field's value, nested
lists and dicts included, and turns what SQLite or PostgreSQL would refuse with an error deep in a query into a 422
naming the field: an integer beyond 64 bits, the NUL character (PostgreSQL cannot store it in text), an infinite
number, a time that cannot be converted to UTC. The same bounds are written into the OpenAPI document, so clients
and fuzzers see them.
"""

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ninja import FilterSchema, Schema
from ninja.schema import DjangoGetter
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

# The range of a 64-bit integer: the widest SQLite and PostgreSQL (bigint) store or compare.
MIN_INT = -(2**63)
MAX_INT = 2**63 - 1


def _storable(value: Any) -> Any:
    """``value`` unchanged, or a ValueError saying why no database would take it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain the NUL character (\\u0000)")
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if not MIN_INT <= value <= MAX_INT:
            raise ValueError(f"must be between {MIN_INT} and {MAX_INT}")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
    elif isinstance(value, datetime):
        if value.tzinfo is not None:
            try:
                value.astimezone(UTC)
            except OverflowError:
                raise ValueError("is too close to the ends of the calendar to convert to UTC") from None
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _storable(item)
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _bound_integers(node: Any) -> None:
    """Write the 64-bit bounds into every integer of a JSON schema that has no tighter ones."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            node.setdefault("minimum", MIN_INT)
            node.setdefault("maximum", MAX_INT)
        for value in node.values():
            _bound_integers(value)
    elif isinstance(node, list):
        for value in node:
            _bound_integers(value)


def _document_bounds(schema: dict[str, Any], model: type) -> None:
    _bound_integers(schema)


class InputSchema(Schema):
    """A request body or query: a JSON object (never ``false`` or a list) of values a database can store."""

    model_config = ConfigDict(json_schema_extra=_document_bounds)

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja's schemas read attributes of any object (its getter wraps the input before this runs), which
        # would take `false` or `[1]` for an object with no fields set.
        given = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(given, Mapping | BaseModel):
            raise ValueError(f"Input should be a JSON object, not {_json_type(given)}")
        return data

    @field_validator("*")
    @classmethod
    def _storable_values(cls, value: Any) -> Any:
        return _storable(value)


# pydantic merges the two bases' model_config (ConfigDict and ninja's FilterConfigDict); mypy sees two types.
class InputFilters(InputSchema, FilterSchema):  # type: ignore[misc]
    """The filters of a list, checked like any other input."""
