"""The JSON API as served: the ninja API object with every area's router. The building blocks (auth, schemas,
routing, pagination, inputs) are ``outsidein.api``'s, below the areas; composing the routers is the site's."""

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema

from outsidein.api.auth import ReadOnlyToken, TokenAuth
from outsidein.api.common import validation_detail
from outsidein.api.routing import Router
from outsidein.workspaces.http import WorkspaceRequest

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Outside-In API",
    version="1",
    description=(
        "Everything a workspace holds, for integrations. Authenticate with a personal API token "
        "(create one under Settings → API tokens) sent as `Authorization: Bearer <token>`; "
        "the token decides the workspace."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    default_router=Router(),
)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": validation_detail(exc)}, status=422)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ObjectDoesNotExist)
def on_deleted_meanwhile(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    # A row found at the start of the request and deleted by another before it ended: to this client it is gone.
    logger.warning("%s %s: a row went missing during the request: %s", request.method, request.path, exc)
    return api.create_response(request, {"detail": "Not found: it was deleted a moment ago."}, status=404)


@api.exception_handler(IntegrityError)
def on_clash(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # The checks passed, then another request changed the rows under this one (deleted a row it refers to, added
    # the same thing): the database refused, so nothing of this request was saved, and saying so beats a 500.
    logger.warning("%s %s: refused by the database: %s", request.method, request.path, exc, exc_info=exc)
    return api.create_response(request, {"detail": "Another change made at the same moment clashed with this one "
                                                   "(a row it refers to was deleted, or the same thing was added "
                                                   "twice); nothing was saved. Try again."}, status=422)


@api.exception_handler(ReadOnlyToken)
def on_read_only(request: HttpRequest, exc: ReadOnlyToken) -> HttpResponse:
    return api.create_response(request, {"detail": "Viewers can read but not change anything."}, status=403)


class WorkspaceOut(Schema):
    id: int
    name: str
    slug: str
    role: str


@api.get("/workspace", response=WorkspaceOut, tags=["workspace"], summary="The workspace of this token")
def current_workspace(request: WorkspaceRequest) -> dict[str, Any]:
    ws = request.workspace
    return {"id": ws.id, "name": ws.name, "slug": ws.slug, "role": request.membership.role}


def _register_routers() -> None:
    from outsidein.conversations.api import router as conversations
    from outsidein.customers.api import router as customers
    from outsidein.engagement.api import router as engagement
    from outsidein.feedback.api import router as voice
    from outsidein.guides.api import router as guides
    from outsidein.initiatives.api import router as initiatives
    from outsidein.insights.api import router as voice_insights
    from outsidein.journeys.api import router as journeys
    from outsidein.journeys.marketplace_api import router as marketplace
    from outsidein.learning.api import router as learning
    from outsidein.loop.api import router as loop

    api.add_router("/", customers)
    api.add_router("/", conversations)
    api.add_router("/", guides)
    api.add_router("/", learning)
    api.add_router("/", initiatives)
    api.add_router("/", voice_insights)
    api.add_router("/", voice)
    api.add_router("/", engagement)
    api.add_router("/", loop)
    api.add_router("/", journeys)
    api.add_router("/", marketplace)


_register_routers()
