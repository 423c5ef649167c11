"""The API's router: every operation declares the errors it can answer, so the OpenAPI document lists each status
code a client can meet. Each area's ``api.py`` builds its routes on this ``Router``."""

from collections.abc import Callable
from typing import Any

import ninja
from ninja import Schema
from ninja.constants import NOT_SET

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class FieldErrorOut(Schema):
    loc: list[str | int] = []
    msg: str
    type: str = "value_error"


class ErrorOut(Schema):
    detail: str | list[FieldErrorOut]


# Why each code can come back; an operation keeps its own declaration of a code where it has one.
ANY_OPERATION = {
    401: "No token, or a token that is wrong or revoked",
    422: "Input that is not valid: `detail` lists each field (`loc`) and what is wrong with it (`msg`)",
    429: "Too many wrong tokens from this address: wait and try again (see Retry-After)",
}
WRITE = {
    400: "A body that is not JSON",
    403: "The token's role may not do this (viewers read only)",
}
WITH_ID = {404: "No such row in this workspace"}


def declared_errors(path: str, methods: list[str]) -> dict[int, str]:
    """The error codes an operation at ``path`` answering ``methods`` can return, with why."""
    errors = dict(ANY_OPERATION)
    if not SAFE_METHODS.issuperset(methods):
        errors.update(WRITE)
    if "{" in path:
        errors.update(WITH_ID)
    return errors


class Router(ninja.Router):
    def add_api_operation(self, path: str, methods: list[str], view_func: Callable[..., Any], *,
                          response: Any = NOT_SET, openapi_extra: dict[str, Any] | None = None, **kwargs: Any,
                          ) -> None:
        if response is NOT_SET:  # nothing declared: ninja serialises whatever the handler returns
            super().add_api_operation(path, methods, view_func, openapi_extra=openapi_extra, **kwargs)
            return
        responses = dict(response) if isinstance(response, dict) else {200: response}
        errors = {code: why for code, why in declared_errors(path, methods).items() if code not in responses}
        responses.update(dict.fromkeys(errors, ErrorOut))
        extra = dict(openapi_extra or {})
        descriptions = {str(code): {"description": why} for code, why in errors.items()}
        extra["responses"] = {**descriptions, **extra.get("responses", {})}
        super().add_api_operation(path, methods, view_func, response=responses, openapi_extra=extra, **kwargs)
