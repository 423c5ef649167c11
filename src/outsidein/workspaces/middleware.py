from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from outsidein.core import replica
from outsidein.core.scoping import request_workspace
from outsidein.workspaces import sso
from outsidein.workspaces.http import enter_workspace, outside_workspace
from outsidein.workspaces.models import Membership, User

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Set on a session signed in through the company's identity provider (workspaces/sso.py).
SSO_SESSION_KEY = "signed_in_with_sso"


def viewer_may_post[V: Callable[..., Any]](view: V) -> V:
    """Mark a view whose writes concern only the viewer themself (e.g. their own API tokens)."""
    view.viewer_may_post = True  # type: ignore[attr-defined]  # a mark the middleware reads with getattr
    return view


# Signing in or out changes no page anyone reads.
NOT_WRITES = {"login", "logout"}


def signed_in_with_second_factor(request: HttpRequest, slug: str) -> bool:
    """This session passed a second step: a code (django-otp's verified device) or this workspace's identity
    provider, which asks for its own (another workspace's provider vouches for nothing here)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified()) or request.session.get(SSO_SESSION_KEY) == slug


class RememberWrites:
    """With a read replica, note when a person saves something, so that their next pages read the primary
    (``core.replica``): the page a save redirects to shows what was saved, whatever the replica's lag. Token
    requests count too: the API names its person on the request by the time the response is made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if (replica.configured() and request.method not in SAFE_METHODS and response.status_code < 400
                and user is not None and user.is_authenticated
                and (match is None or match.url_name not in NOT_WRITES)):
            User.objects.filter(pk=user.pk).update(wrote_at=timezone.now())
        return response


class WorkspaceMiddleware:
    """Resolve the ``ws`` URL prefix (/w/<slug>/…) into request.workspace and request.membership.

    A workspace the user is not a member of does not exist for them (404). Viewers read only.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        outside_workspace(request)
        reset = request_workspace.set(None)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Times are shown and typed in the person's own zone: "09:30" on a phone in Tokyo means Tokyo.
            timezone.activate(user.tz)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            request_workspace.reset(reset)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponseBase], view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        slug = view_kwargs.pop("ws", None)
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={request.path}")
        membership = (
            Membership.objects.select_related("workspace", "user")
            .filter(workspace__slug=slug, user=request.user)
            .first()
        )
        if membership is None:
            raise Http404("No such workspace.")
        if request.method not in SAFE_METHODS and not membership.can_write:
            target = getattr(view_func, "view_class", view_func)
            if not getattr(target, "viewer_may_post", False) and not getattr(view_func, "viewer_may_post", False):
                raise PermissionDenied("Viewers can read but not change anything in this workspace.")
        if request.session.get(SSO_SESSION_KEY) != slug and not sso.password_sign_in_allowed(membership.workspace):
            messages.info(request, f"{membership.workspace} signs in through the company's account.")
            return redirect(f"{reverse('sso-start')}?workspace={slug}")
        if membership.workspace.require_second_factor and not signed_in_with_second_factor(request, slug):
            messages.info(request, f"{membership.workspace} asks every member to sign in in two steps: set it up "
                                   "here, then carry on.")
            return redirect(f"{reverse('security')}?next={request.path}")
        enter_workspace(request, membership.workspace, membership)
        request_workspace.set(membership.workspace)
        request.session["last_workspace"] = slug
        return None
