"""Writes shared by every simple workspace-owned model: one transaction each, validated by the model.

Pages and API handlers both come through here, so a rule checked once holds everywhere.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from outsidein.core.scoping import WorkspaceOwned, assert_same_workspace

M = TypeVar("M", bound=WorkspaceOwned)


def _split_fields(model: type[models.Model], data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    m2m_names = {f.name for f in model._meta.many_to_many}
    plain = {k: v for k, v in data.items() if k not in m2m_names}
    m2m = {k: v for k, v in data.items() if k in m2m_names}
    return plain, m2m


def _check_links(workspace: models.Model, plain: Mapping[str, Any], m2m: Mapping[str, Any]) -> None:
    linked = [v for v in plain.values() if isinstance(v, WorkspaceOwned)]
    for values in m2m.values():
        linked.extend(v for v in values if isinstance(v, WorkspaceOwned))
    assert_same_workspace(workspace, *linked)


@transaction.atomic
def create_owned(model: type[M], workspace: models.Model, data: Mapping[str, Any]) -> M:
    plain, m2m = _split_fields(model, data)
    _check_links(workspace, plain, m2m)
    obj = model(workspace=workspace, **plain)
    obj.full_clean()
    obj.save()
    for name, values in m2m.items():
        getattr(obj, name).set(values)
    return obj


@transaction.atomic
def update_owned(obj: M, data: Mapping[str, Any]) -> M:
    plain, m2m = _split_fields(type(obj), data)
    _check_links(obj.workspace, plain, m2m)
    for name, value in plain.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, values in m2m.items():
        getattr(obj, name).set(values)
    return obj


@transaction.atomic
def delete_owned(obj: WorkspaceOwned) -> None:
    obj.delete()
