"""API for customer links: a person's private page, made (its address answered once), listed and revoked."""

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field

from outsidein.api.inputs import InputSchema
from outsidein.api.model_schemas import ModelOutput
from outsidein.api.routing import Router
from outsidein.core.scoping import get_scoped
from outsidein.customers.models import Person
from outsidein.loop import links
from outsidein.loop.models import CustomerLink
from outsidein.workspaces.http import WorkspaceRequest

router = Router(tags=["customer links"])


class LinkOut(ModelOutput, model=CustomerLink, fields=[
        "id", "person_id", "created_by_id", "created_at", "expires_at", "revoked_at", "last_used_at"]):
    is_live: bool


class NewLinkOut(LinkOut):
    url: str = Field(description="The page's address. Only a fingerprint of it is kept: it is never answered again.")
    message_id: int | None = Field(None, description="The e-mail that took it to the person, when one was asked for.")
    message_status: str | None = None


# Written out: how long the link works and what to do with it are choices of this call, not columns.
class LinkIn(InputSchema):
    days: int = Field(CustomerLink.DEFAULT_DAYS, ge=1, le=730, description="How many days the link works.")
    email_it: bool = Field(False, description="E-mail the link to the person (they need an e-mail address).")
    revoke_others: bool = Field(False, description="Revoke the person's other links.")


def _person(request: WorkspaceRequest, person_id: int) -> Person:
    return get_scoped(Person, request.workspace, pk=person_id)


@router.get("/persons/{person_id}/links", response=list[LinkOut],
            summary="A person's links, newest first (their addresses are not kept, so never shown)")
def list_links(request: WorkspaceRequest, person_id: int) -> Any:
    return list(links.person_links(_person(request, person_id)))


@router.post("/persons/{person_id}/links", response={201: NewLinkOut},
             summary="Make a link to the person's own page; the answer holds its address, this once")
def create_link(request: WorkspaceRequest, person_id: int, payload: LinkIn) -> tuple[int, dict[str, Any]]:
    person = _person(request, person_id)
    if payload.email_it and not person.email:
        raise ValidationError({"email_it": f"{person} has no e-mail address."})
    link, url = links.create_link(person, request.user, payload.days, revoke_others=payload.revoke_others)
    answer: dict[str, Any] = {**LinkOut.model_validate(link).model_dump(), "url": url}
    if payload.email_it:
        message = links.email_link(link, url, request.user)
        answer.update(message_id=message.pk, message_status=message.status)
    return 201, answer


@router.post("/links/{link_id}/revoke", response=LinkOut, summary="Revoke a link: the page no longer opens with it")
def revoke_link(request: WorkspaceRequest, link_id: int) -> CustomerLink:
    return links.revoke_link(get_scoped(CustomerLink, request.workspace, pk=link_id), request.user)
