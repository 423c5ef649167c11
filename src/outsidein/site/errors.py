"""Error pages in the product's look, each with a way back, and JSON for the API.

Django's defaults are a bare "403 Forbidden" or an empty 405: a leader who meets one has no idea what happened or
where to go. These handlers (``handler403`` and friends in ``site.urls``, ``CSRF_FAILURE_VIEW`` in settings) say
what went wrong in plain words, offer the page the person came from (where it is on this site, so what they typed
is one Back away) and the workspace's home. Under /api/ the same failures answer JSON, as the API's own errors do.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse

from outsidein.workspaces.models import Workspace

logger = logging.getLogger(__name__)

PAGES = {
    400: ("Something in that request was not right",
          "The page could not make sense of what was sent. Go back and try again."),
    403: ("You cannot do that here", "Your role in this workspace does not allow it."),
    404: ("Page not found", "There is nothing at this address: it may have been moved or deleted, or the link is "
                            "mistyped."),
    405: ("That page cannot be opened this way",
          "This address only takes a form being sent, so there is nothing to show when it is opened directly."),
    500: ("Something went wrong on our side",
          "The page failed while it was being made. Nothing you did caused it, and it has been logged; try again in a "
          "moment."),
}
_WORKSPACE_PATH = re.compile(r"^/w/(?P<slug>[-\w]+)/")
CSRF_PAGE = ("This form has expired", "For your safety, a form only works for a while after it was opened, and in "
             "the browser that opened it.")
CSRF_HINT = "Go back, reload the page and send it again: what you typed may still be in the form."


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _same_site_referer(request: HttpRequest) -> str:
    """The page the person came from, if it is a page of this site (never an address from elsewhere)."""
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if not referer or parts.netloc != request.get_host():
        return ""
    return referer


def _workspace(request: HttpRequest) -> Workspace | None:
    """The workspace the page belongs to: the one the request was let into, or, for an address that matched no
    page (so no view was reached), the one its /w/<slug>/ names, if the person is a member of it."""
    ws: Workspace | None = getattr(request, "workspace", None)
    if ws is not None:
        return ws
    match = _WORKSPACE_PATH.match(request.path)
    user = getattr(request, "user", None)
    if match is None or user is None or not user.is_authenticated:
        return None
    membership = user.memberships.select_related("workspace").filter(workspace__slug=match["slug"]).first()
    return membership.workspace if membership else None


def _home(ws: Workspace | None) -> str:
    return reverse("workspace-home", kwargs={"ws": ws.slug}) if ws is not None else "/"


# Posted fields that are no one's typing: the form's token, secrets, the quick log's client id.
_NOT_TYPED = re.compile(r"csrfmiddlewaretoken|client_id|.*(password|secret|token).*", re.IGNORECASE)
_CHOICE = re.compile(r"\d+|[a-z]+(_[a-z]+)*")


def typed_in(request: HttpRequest) -> str:
    """What the person wrote in a refused form, one field a paragraph, so a refusal never loses their words.

    Ids and codes (what a picker, a list or a choice posts: "42", "end_user") are left out: they are choices, not
    typing, and mean nothing read back.
    """
    if request.method != "POST":
        return ""
    parts = []
    for name, values in request.POST.lists():
        if _NOT_TYPED.fullmatch(name):
            continue
        words = [v.strip() for v in values if v.strip() and not _CHOICE.fullmatch(v.strip())]
        if words:
            parts.append(f"{name.replace('_', ' ').capitalize()}: {' / '.join(words)}")
    return "\n\n".join(parts)[:20_000]


def error_page(request: HttpRequest, status: int, title: str, message: str, hint: str = "") -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    ws = _workspace(request)
    context = {"status": status, "title": title, "message": message, "hint": hint,
               "back": _same_site_referer(request), "home": _home(ws), "ws": ws, "typed": typed_in(request)}
    return HttpResponse(render_to_string("errors/page.html", context, request=request), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 400, *PAGES[400])


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    title, message = PAGES[403]
    # The product's refusals are written for the person refused ("Only owners can manage members.").
    if isinstance(exception, PermissionDenied) and exception.args and str(exception.args[0]).strip():
        message = str(exception.args[0])
    return error_page(request, 403, title, message)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 404, *PAGES[404])


def server_error(request: HttpRequest) -> HttpResponse:
    title, message = PAGES[500]
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=500)
    html: str
    try:
        # Without the request's context: whatever failed may fail again while the page is made with it.
        html = render_to_string("errors/page.html", {"status": 500, "title": title, "message": message,
                                                      "home": "/"})
    except Exception:  # the error page must not fail in turn
        logger.exception("the 500 page could not be rendered")
        html = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p><p><a href='/'>Home</a></p>"
    return HttpResponse(html, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, *CSRF_PAGE, hint=CSRF_HINT)


class MethodNotAllowedPages:
    """A view that takes only some methods answers others with an empty 405; this gives it the page (the Allow
    header stays)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code != 405 or not isinstance(response, HttpResponse) or response.content:
            return response
        page = error_page(request, 405, *PAGES[405])
        if allow := response.headers.get("Allow"):
            page["Allow"] = allow
        return page
