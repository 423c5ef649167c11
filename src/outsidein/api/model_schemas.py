"""Schemas whose fields are read off a model's fields, so a field's rules are written once, on the model.

A schema names its model and its fields as arguments of its class::

    class SegmentIn(ModelInput, model=Segment, fields=["name", "description"]):
        pass

``fields`` lists the schema's fields in order. A field annotated in the class body is taken as written: that is
where what the model cannot say goes (a list of related ids, a computed value, a JSON column's shape, a default
decided when the request comes), with a comment saying why. Every other field is derived from the model field of
that name, a relation by its column (``segment_id``): the type, the length limit, blank (``min_length=1`` where a
text may not be blank), null, the digits of a decimal, the bounds of its validators, the default, and for choices
the ``TextChoices`` class of the model's module that holds exactly those values (the document names the enum).
``optional=True`` makes every derived field optional and nullable with no default, as a PATCH takes them (what an
explicit null means is decided by ``outsidein.api.common.nulls_in_model_terms``). ``bounds`` adds bounds only the
API sets to a derived field, e.g. ``bounds={"text": {"max_length": 10_000}}`` for an unbounded TextField.

ninja's ``ModelSchema`` derives fields too but not in the API's terms: it makes a blank text nullable with a null
default (a create could then store NULL in a NOT NULL column), accepts any string for choices, drops blank=False,
max_digits and validators, names a relation by its field (``segment``) with the column as alias, and puts a
PATCH's model defaults into the document. The types of model fields are ninja's (``ninja.orm.fields.TYPES``).
"""

import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from ninja import Field, Schema
from ninja.compatibility.util import get_annotations_from_namespace
from ninja.errors import ConfigError
from ninja.orm.fields import TYPES
from ninja.schema import ResolverMetaclass

from outsidein.api.inputs import InputSchema

POSITIVE = {"PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField"}


def _choices_enum(field: models.Field[Any, Any]) -> type[Enum]:
    """The choices class of the model's module whose values are exactly the field's choices."""
    values = [value for value, _label in field.choices or []]
    module = vars(sys.modules[field.model.__module__])
    found = {obj for obj in module.values()
             if isinstance(obj, type) and issubclass(obj, models.Choices) and list(obj.values) == values}
    if len(found) != 1:
        raise ConfigError(f"{field}: no single choices class in {field.model.__module__} holds its values; "
                          "annotate the schema field")
    return found.pop()


def _type(field: models.Field[Any, Any], *, output: bool) -> Any:
    if field.is_relation:
        target = field.target_field  # type: ignore[attr-defined]
        return TYPES[target.get_internal_type()]
    if field.choices and not output:
        return _choices_enum(field)
    internal = field.get_internal_type()
    if internal == "JSONField" or internal not in TYPES:
        raise ConfigError(f"{field}: annotate the schema field with the shape it holds")
    return TYPES[internal]


def _bounds(field: models.Field[Any, Any], annotation: Any) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    if annotation is str:
        if field.max_length:
            bounds["max_length"] = field.max_length
        if not field.blank:
            bounds["min_length"] = 1
    elif annotation is Decimal and isinstance(field, models.DecimalField):
        bounds["max_digits"] = field.max_digits
        bounds["decimal_places"] = field.decimal_places
    if field.get_internal_type() in POSITIVE:
        bounds["ge"] = 0
    # The validators given to the field (Field._validators, no public name), not ``validators``: that adds the
    # integer range of the database in use, which would make the document differ between SQLite and PostgreSQL.
    given: list[object] = getattr(field, "_validators", [])
    for validator in given:
        if isinstance(validator, MinValueValidator):
            bounds["ge"] = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            bounds["le"] = validator.limit_value
    return bounds


def input_field(field: models.Field[Any, Any], *, optional: bool, extra: Mapping[str, Any] = {},
                ) -> tuple[Any, Any]:
    """The annotation and ``Field`` of a request body field for ``field``, with ``extra`` bounds."""
    annotation = _type(field, output=False)
    bounds = {**_bounds(field, annotation), **extra}
    if optional:
        return annotation | None, Field(None, **bounds)
    if field.null:
        annotation = annotation | None
    if field.has_default():
        if callable(field.default):
            return annotation, Field(default_factory=field.default, **bounds)
        return annotation, Field(field.default, **bounds)
    if field.null:
        return annotation, Field(None, **bounds)
    if field.blank:
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            raise ConfigError(f"{field}: its blank value is no choice; annotate the schema field")
        if field.empty_strings_allowed:
            return annotation, Field("", **bounds)
    return annotation, Field(**bounds)


def output_field(field: models.Field[Any, Any]) -> tuple[Any, Any]:
    """The annotation of a response field for ``field``: always present, null where the column may be."""
    annotation = _type(field, output=True)
    return (annotation | None if field.null else annotation), ...


class _FromModel(ResolverMetaclass):
    output: ClassVar[bool] = False

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], *,
                model: type[models.Model] | None = None, fields: Sequence[str] = (), optional: bool = False,
                bounds: Mapping[str, Mapping[str, Any]] = {}, **kwargs: Any) -> type:
        if model is not None:
            written = get_annotations_from_namespace(namespace)
            # Python 3.14 keeps the class body's annotations as a function; the derived ones replace it.
            namespace = {key: value for key, value in namespace.items()
                         if key not in {"__annotate__", "__annotate_func__"}}
            namespace.update(mcs._derived(model, fields, optional, bounds, written))
        return super().__new__(mcs, name, bases, namespace, **kwargs)  # type: ignore[no-any-return]

    @classmethod
    def _derived(mcs, model: type[models.Model], fields: Sequence[str], optional: bool,
                 bounds: Mapping[str, Mapping[str, Any]], annotated: dict[str, Any]) -> dict[str, Any]:
        written = dict(annotated)
        annotations: dict[str, Any] = {}
        defaults: dict[str, Any] = {}
        for name in fields:
            if name in written:
                annotations[name] = written.pop(name)
                continue
            field = model._meta.get_field(name)
            if not isinstance(field, models.Field) or field.many_to_many:
                raise ConfigError(f"{model.__name__}.{name} holds several rows; annotate the schema field")
            if field.is_relation and name != field.attname:
                raise ConfigError(f"{model.__name__}.{name}: name a relation by its column, {field.attname}")
            if mcs.output:
                annotations[name], defaults[name] = output_field(field)
            else:
                annotations[name], defaults[name] = input_field(field, optional=optional,
                                                                extra=bounds.get(name, {}))
        return {"__annotations__": {**annotations, **written},
                **{name: default for name, default in defaults.items() if default is not ...}}


class _OutputFromModel(_FromModel):
    output = True


class ModelInput(InputSchema, metaclass=_FromModel):
    """A request body derived from a model (see the module); checked like every ``InputSchema``."""

    if TYPE_CHECKING:
        # The type checker does not run the derivation: a derived field, read as an attribute, is Any to it.
        def __getattr__(self, name: str) -> Any: ...


class ModelOutput(Schema, metaclass=_OutputFromModel):
    """A response derived from a model (see the module): every field present, without the input bounds."""


def crud_schemas(model: type[models.Model], fields: list[str]) -> tuple[type[ModelInput], type[ModelInput],
                                                                          type[ModelOutput]]:
    """The create, patch and read schemas of a model whose every field is derived: ``<Model>In``, ``<Model>Patch``
    (all optional) and ``<Model>Out`` (the id first), as ``outsidein.api.crud.add_crud`` takes them."""

    def schema(suffix: str, base: type[Schema], **derive: Any) -> Any:
        name = model.__name__ + suffix
        metaclass: Any = type(base)
        return metaclass(name, (base,), {"__module__": __name__, "__qualname__": name}, model=model, **derive)

    return (schema("In", ModelInput, fields=fields),
            schema("Patch", ModelInput, fields=fields, optional=True),
            schema("Out", ModelOutput, fields=["id", *fields]))
