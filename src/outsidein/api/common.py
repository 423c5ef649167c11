"""Pieces every API router shares: looking up referenced rows and reporting field errors."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import ForeignObjectRel

from outsidein.core.scoping import scoped
from outsidein.workspaces.models import Workspace


def ref_field_name(key: str) -> str:
    """The model field a payload reference names: `segment_id` -> segment, `person_ids` -> persons."""
    return key.removesuffix("_ids") + "s" if key.endswith("_ids") else key.removesuffix("_id")


def in_payload_terms(exc: ValidationError, refs: Mapping[str, type[models.Model]]) -> ValidationError:
    """A service's errors keyed by model field (`segment`) re-keyed by the payload field (`segment_id`)."""
    if not hasattr(exc, "error_dict"):
        return exc
    names = {ref_field_name(key): key for key in refs}
    return ValidationError({names.get(name, name): errors for name, errors in exc.error_dict.items()})


def resolve_refs(workspace: Workspace, data: dict[str, Any], refs: Mapping[str, type[models.Model]]) -> dict[str, Any]:
    """Turn `<name>_id` / `<name>_ids` fields of a payload into rows of this workspace.

    An id from another workspace is reported as not existing, exactly like an id that never existed.
    """
    resolved = dict(data)
    errors: dict[str, str] = {}
    for key, model in refs.items():
        if key not in data:
            continue
        value = resolved.pop(key)
        name = ref_field_name(key)
        label = model._meta.verbose_name
        source = model._default_manager.all()
        if hasattr(model, "workspace_id"):
            source = scoped(model, workspace)
        else:  # users: members of this workspace
            source = source.filter(memberships__workspace=workspace)
        if key.endswith("_ids"):
            ids = list(dict.fromkeys(value or []))
            found = list(source.filter(pk__in=ids))
            missing = sorted(set(ids) - {o.pk for o in found})
            if missing:
                errors[key] = f"No {label} with id {', '.join(map(str, missing))} in this workspace."
            resolved[name] = found
        elif value is None:
            resolved[name] = None
        else:
            obj = source.filter(pk=value).first()
            if obj is None:
                errors[key] = f"No {label} with id {value} in this workspace."
            resolved[name] = obj
    if errors:
        raise ValidationError(errors)
    return resolved


def nulls_in_model_terms(model: type[models.Model], changes: dict[str, Any]) -> dict[str, Any]:
    """The explicit nulls of a PATCH as the model can store them.

    Null clears a field: to NULL where the column allows it, to "" for text that may be blank (those columns hold
    "" for "none", never NULL). For any other field null is an error naming it. ``changes`` are in model terms, as
    ``resolve_refs`` returns them; names that are not model fields (e.g. ``cancelled``) pass unchanged.
    """
    cleared = dict(changes)
    errors: dict[str, str] = {}
    for name, value in changes.items():
        if value is not None:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        # A reverse relation (ForeignObjectRel) is always null; naming it tells the type checker so.
        if field.null or field.many_to_many or isinstance(field, ForeignObjectRel):
            continue
        if field.blank and field.empty_strings_allowed:
            cleared[name] = ""
        else:
            errors[name] = "This field cannot be null."
    if errors:
        raise ValidationError(errors)
    return cleared


def _field_path(field: str) -> list[str | int]:
    # "highlights.1.person_id" -> ["highlights", 1, "person_id"], the path shape pydantic reports.
    return [int(part) if part.isdigit() else part for part in field.split(".")]


def validation_detail(exc: ValidationError) -> list[dict[str, Any]]:
    """Django validation errors in the same shape as django-ninja's own 422 answers."""
    if hasattr(exc, "error_dict"):
        return [
            {"loc": ["body", "payload", *_field_path(field)], "msg": message, "type": "value_error"}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"loc": ["body", "payload"], "msg": message, "type": "value_error"} for message in exc.messages]
