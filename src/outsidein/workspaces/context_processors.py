from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    ws = getattr(request, "workspace", None)
    membership = getattr(request, "membership", None)
    return {"ws": ws, "membership": membership, "can_write": bool(membership and membership.can_write)}
