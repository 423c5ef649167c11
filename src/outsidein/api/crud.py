"""List, read, create, update and delete endpoints for a simple workspace-owned model.

Pages use ``outsidein.core.crud`` for the same models; both write through ``outsidein.core.services``.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from outsidein.api.common import in_payload_terms, nulls_in_model_terms, resolve_refs
from outsidein.api.pagination import Page
from outsidein.core import services
from outsidein.core.scoping import WorkspaceOwned, get_scoped, scoped
from outsidein.workspaces.http import WorkspaceRequest
from outsidein.workspaces.models import User, Workspace


def add_crud(
    router: Router,
    *,
    path: str,
    model: type[WorkspaceOwned],
    schema_in: type[Schema],
    schema_patch: type[Schema],
    schema_out: type[Schema],
    filters: type[FilterSchema],
    search_fields: Sequence[str],
    refs: Mapping[str, type[models.Model]] = {},
    select_related: Sequence[str] = (),
    prefetch_related: Sequence[str] = (),
    create: Callable[[Workspace, dict[str, Any], User], WorkspaceOwned] | None = None,
    update: Callable[[Any, dict[str, Any], User], object] | None = None,
) -> None:
    name = path.strip("/").replace("-", "_")
    label = model._meta.verbose_name
    tags = [name]

    def queryset(workspace: Workspace) -> QuerySet[WorkspaceOwned]:
        qs = scoped(model, workspace)
        if select_related:
            qs = qs.select_related(*select_related)
        if prefetch_related:
            qs = qs.prefetch_related(*prefetch_related)
        return qs

    @router.get(f"/{path}", response=list[schema_out], tags=tags, operation_id=f"list_{name}",  # type: ignore[valid-type]
                summary=f"List {model._meta.verbose_name_plural}")
    @paginate(Page)
    def list_items(request: WorkspaceRequest, filters: filters = Query(...)) -> QuerySet[WorkspaceOwned]:  # type: ignore[valid-type, type-arg]
        qs = queryset(request.workspace)
        params = filters.model_dump(exclude_none=True)  # type: ignore[attr-defined]
        search = params.pop("q", None)
        qs = qs.filter(**params)
        if search:
            condition = Q()
            for field in search_fields:
                condition |= Q(**{f"{field}__icontains": search})
            qs = qs.filter(condition)
        return qs

    @router.get(f"/{path}/{{item_id}}", response=schema_out, tags=tags, operation_id=f"read_{name}",
                summary=f"Read one {label}")
    def read_item(request: WorkspaceRequest, item_id: int) -> WorkspaceOwned:
        return get_scoped(queryset(request.workspace), request.workspace, pk=item_id)

    @router.post(f"/{path}", response={201: schema_out}, tags=tags, operation_id=f"create_{name}",
                 summary=f"Create a {label}")
    def create_item(request: WorkspaceRequest, payload: schema_in) -> tuple[int, WorkspaceOwned]:  # type: ignore[valid-type]
        data = resolve_refs(request.workspace, payload.model_dump(), refs)  # type: ignore[attr-defined]
        try:
            obj = (create or (lambda ws, d, user: services.create_owned(model, ws, d)))(request.workspace, data,
                                                                                       request.user)
        except ValidationError as exc:
            raise in_payload_terms(exc, refs) from exc
        return 201, get_scoped(queryset(request.workspace), request.workspace, pk=obj.pk)

    @router.patch(f"/{path}/{{item_id}}", response=schema_out, tags=tags, operation_id=f"update_{name}",
                  summary=f"Change a {label} (only the fields sent)")
    def update_item(request: WorkspaceRequest, item_id: int, payload: schema_patch) -> WorkspaceOwned:  # type: ignore[valid-type]
        obj = get_scoped(queryset(request.workspace), request.workspace, pk=item_id)
        data = resolve_refs(request.workspace, payload.model_dump(exclude_unset=True), refs)  # type: ignore[attr-defined]
        try:
            data = nulls_in_model_terms(model, data)
            (update or (lambda o, d, user: services.update_owned(o, d)))(obj, data, request.user)
        except ValidationError as exc:
            raise in_payload_terms(exc, refs) from exc
        return get_scoped(queryset(request.workspace), request.workspace, pk=item_id)

    @router.delete(f"/{path}/{{item_id}}", response={204: None}, tags=tags, operation_id=f"delete_{name}",
                   summary=f"Delete a {label}")
    def delete_item(request: WorkspaceRequest, item_id: int) -> tuple[int, None]:
        services.delete_owned(get_scoped(model, request.workspace, pk=item_id))
        return 204, None
