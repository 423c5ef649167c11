from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer

from outsidein.core.scoping import request_workspace
from outsidein.workspaces import throttle
from outsidein.workspaces.http import enter_workspace
from outsidein.workspaces.models import ApiToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# POST endpoints that compute an answer without changing anything: viewers may call them.
READ_ONLY_POSTS = {"/api/coach"}


class ReadOnlyToken(Exception):
    """A viewer's token was used to change something."""


class TokenAuth(HttpBearer):
    """Personal API tokens: `Authorization: Bearer oi_…`. The token fixes the workspace of every request."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        # An address that sent too many wrong tokens is refused before this one is looked up (429, Retry-After).
        wrong_tokens = throttle.api_token_counters(request)
        if (block := throttle.current_block(request, wrong_tokens)) is not None:
            raise HttpError(429, block.message)
        api_token = ApiToken.authenticate(token)
        if api_token is None:
            throttle.record_failure(wrong_tokens)
            return None
        membership = api_token.user.memberships.filter(workspace=api_token.workspace).first()
        if membership is None:
            return None
        changes_data = request.method not in SAFE_METHODS and request.path.rstrip("/") not in READ_ONLY_POSTS
        if changes_data and not membership.can_write:
            raise ReadOnlyToken()
        request.user = api_token.user
        enter_workspace(request, api_token.workspace, membership)
        request_workspace.set(api_token.workspace)
        # Touch at most once a minute: a busy integration should not write on every read.
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return api_token
