"""The one place where rows are scoped to a workspace.

Every domain model inherits ``WorkspaceOwned``; pages and API handlers reach rows only through
``scoped`` / ``get_scoped`` with the workspace of the request, so a member of one workspace can
never read or change another's rows: an id from elsewhere is simply not found (404, never 403).
"""

from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import models
from django.http import Http404, HttpRequest

M = TypeVar("M", bound=models.Model)

# The workspace of the request being served (set by WorkspaceMiddleware and the API's token check). Core knows no
# area, so a workspace is typed here as the model it is: any model row (in fact always a workspaces.Workspace).
request_workspace: ContextVar[models.Model | None] = ContextVar("request_workspace", default=None)


class ScopedRequest(HttpRequest):
    """A request the workspace middleware has put inside a workspace, as core's generic pages see it (core knows no
    area, so the workspace is a model row here; ``workspaces.http.WorkspaceRequest`` names it and the member)."""

    workspace: models.Model


class WorkspaceOwned(models.Model):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Any:
        # Rows of the request's workspace get it attached as they load (directly, through select_related or
        # prefetch_related), so get_absolute_url() in a list never costs a query per row.
        obj = super().from_db(db, field_names, values, **kwargs)  # Django 6.1 passes fetch_mode
        workspace = request_workspace.get()
        if workspace is not None and obj.__dict__.get("workspace_id") == workspace.pk:
            cls._meta.get_field("workspace").set_cached_value(obj, workspace)  # type: ignore[union-attr]  # a ForeignKey
        return obj


def scoped(source: type[M] | models.QuerySet[M], workspace: models.Model) -> models.QuerySet[M]:
    queryset = source._default_manager.all() if isinstance(source, type) else source
    return queryset.filter(workspace=workspace)


def get_scoped(source: type[M] | models.QuerySet[M], workspace: models.Model, **lookup: Any) -> M:
    """The row of this workspace matching ``lookup``, or Http404."""
    try:
        return scoped(source, workspace).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Not found in this workspace.") from exc


def assert_same_workspace(workspace: models.Model, *objects: WorkspaceOwned | None) -> None:
    """Refuse to link rows across workspaces (e.g. a form posting a foreign account id)."""
    for obj in objects:
        if obj is not None and obj.workspace_id != workspace.pk:
            raise Http404("Not found in this workspace.")
