"""A person's private page: creating, revoking and finding the links that open it.

The secret is in the address only; the row keeps its hash, so the full address is known once, when the link is
made (the leader copies it or has it e-mailed). A person may hold several links at once, say one e-mailed and
one printed on a pilot's welcome sheet: making a new one leaves the others live unless asked to revoke them.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from outsidein.customers.models import Person
from outsidein.loop import telling
from outsidein.loop.models import CustomerLink, Message, MessageKind, hash_secret, new_secret
from outsidein.workspaces import audit
from outsidein.workspaces.models import AuditAction, User


def page_url(secret: str) -> str:
    return settings.SITE_URL + reverse("customer-page", kwargs={"secret": secret})


@transaction.atomic
def create_link(person: Person, user: User | None, days: int = CustomerLink.DEFAULT_DAYS, *,
                revoke_others: bool = False) -> tuple[CustomerLink, str]:
    """A new link to the person's page and its full address, which is never shown again."""
    now = timezone.now()
    if revoke_others:
        live_links(person).update(revoked_at=now)
    secret = new_secret()
    link = CustomerLink.objects.create(
        workspace=person.workspace, person=person, secret_hash=hash_secret(secret), created_by=user,
        created_at=now, expires_at=now + timedelta(days=max(1, days)),
    )
    audit.record(person.workspace, AuditAction.CUSTOMER_LINK_CREATED, person, actor=user,
                 detail={"link": link.pk, "expires": link.expires_at.date().isoformat()})
    return link, page_url(secret)


def revoke_link(link: CustomerLink, user: User | None) -> CustomerLink:
    """Close the link for good; revoking a revoked link keeps the first time it was revoked."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        # Only where still open, so two revocations at once keep one time.
        if CustomerLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=link.revoked_at):
            audit.record(link.workspace_id, AuditAction.CUSTOMER_LINK_REVOKED, link.person, actor=user,
                         detail={"link": link.pk})
        link.refresh_from_db(fields=["revoked_at"])
    return link


def live_links(person: Person) -> models.QuerySet[CustomerLink]:
    return CustomerLink.objects.filter(person=person, revoked_at__isnull=True, expires_at__gt=timezone.now())


def person_links(person: Person) -> models.QuerySet[CustomerLink]:
    """Every link the person was given, newest first, live or not: the page lists what may still open it."""
    return CustomerLink.objects.filter(workspace=person.workspace, person=person).select_related("created_by")


def link_for_secret(secret: str) -> CustomerLink | None:
    """The live link the secret opens, with its person, account and workspace; None for any other secret."""
    if not secret or len(secret) > 200:
        return None
    link = (CustomerLink.objects.select_related("person__account", "workspace", "created_by")
            .filter(secret_hash=hash_secret(secret)).first())
    if link is None or not link.is_live or link.person.workspace_id != link.workspace_id:
        return None
    return link


def mark_used(link: CustomerLink) -> None:
    """Called when the customer posts through the link (opening the page writes nothing)."""
    link.last_used_at = timezone.now()
    CustomerLink.objects.filter(pk=link.pk).update(last_used_at=link.last_used_at)


def link_message_body(person: Person, url: str, expires_at: datetime, user: User | None) -> str:
    return "\n\n".join((
        f"Hello {telling.first_name(person)},",
        f"Here is your own page with {person.workspace.name}: {url}",
        "It shows what you have told us and what became of each thing, and you can tell us anything new there, "
        "whenever you like. The page is yours alone, so please keep the address to yourself.",
        f"The link works until {telling.said_on(person.workspace, expires_at)}.",
        user.display_name if user is not None else "The team",
    ))


def email_link(link: CustomerLink, url: str, user: User | None) -> Message:
    """Mail the person their link (once: the message's key is the link's), then keep the log without the secret.

    The message log is read by every member, and the database must hold no working link, so once the mail has
    gone (or failed) the address in the stored body is replaced by a note; a link whose mail failed is not
    resent: a new link is made instead.
    """
    person = link.person
    if not person.email:
        raise ValidationError(f"{person} has no e-mail address to send the link to.")
    message = telling.draft_message(
        link.workspace, user, person, kind=MessageKind.LINK, key=f"link:{link.pk}",
        subject=f"Your page with {link.workspace.name}",
        body=link_message_body(person, url, link.expires_at, user))
    message = telling.send_message(message, user)
    redacted = message.body.replace(url, "[the link, not kept]")
    Message.objects.filter(pk=message.pk).update(body=redacted)
    message.body = redacted
    return message
