"""The request a view under /w/<slug>/ receives, typed.

``WorkspaceMiddleware.process_view`` (and, for the API, ``TokenAuth``) resolves the workspace before any such view
runs and refuses anyone who is not a member, so inside those views ``request.workspace`` and
``request.membership`` are never ``None`` and ``request.user`` is a logged-in ``User``.
"""

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from outsidein.core.scoping import ScopedRequest
from outsidein.workspaces.models import Membership, User, Workspace


class AuthenticatedRequest(HttpRequest):
    """A request to a ``login_required`` view: its user is logged in."""

    user: User


class WorkspaceRequest(AuthenticatedRequest, ScopedRequest):
    workspace: Workspace
    membership: Membership


def enter_workspace(request: HttpRequest, workspace: Workspace, membership: Membership) -> WorkspaceRequest:
    """Put ``request`` inside ``workspace`` for ``membership``; the views below read both from it."""
    vars(request).update(workspace=workspace, membership=membership)
    return cast(WorkspaceRequest, request)


def outside_workspace(request: HttpRequest) -> None:
    """A request not (yet) inside a workspace: the context processor and templates see no workspace."""
    vars(request).update(workspace=None, membership=None)


def require_owner(request: WorkspaceRequest, refusal: str = "Only owners can manage members.") -> None:
    """A page of the workspace's owners: anyone else is refused (403) with ``refusal``."""
    if not request.membership.can_admin:
        raise PermissionDenied(refusal)
