"""A person's private links, as the team sees them: made, listed, e-mailed and revoked."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from outsidein.core.crud import form_page
from outsidein.core.scoping import get_scoped
from outsidein.customers.models import Person
from outsidein.loop import links
from outsidein.loop.models import CustomerLink, MessageStatus
from outsidein.workspaces.http import WorkspaceRequest


class LinkForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=730, initial=CustomerLink.DEFAULT_DAYS,
                              label="Works for (days)")
    email_it = forms.BooleanField(required=False, label="E-mail it to them")
    revoke_others = forms.BooleanField(required=False, label="Revoke their other links")


def _new_link_key(person: Person) -> str:
    return f"new_customer_link:{person.pk}"


def links_url(person: Person) -> str:
    return reverse("customer-links", kwargs={"ws": person.workspace.slug, "person_id": person.pk})


@login_required
def customer_links(request: WorkspaceRequest, person_id: int) -> HttpResponse:
    person = get_scoped(Person.objects.select_related("account"), request.workspace, pk=person_id)
    form = LinkForm(request.POST or None)

    def create(data: dict[str, Any]) -> CustomerLink:
        if data["email_it"] and not person.email:
            raise ValidationError({"email_it": f"{person} has no e-mail address."})
        link, url = links.create_link(person, request.user, data["days"], revoke_others=data["revoke_others"])
        # Shown on the next page only: a reload neither makes a second link nor shows this one again.
        request.session[_new_link_key(person)] = url
        if data["email_it"]:
            sent = links.email_link(link, url, request.user)
            if sent.status == MessageStatus.SENT:
                messages.success(request, f"E-mailed the link to {person.email}.")
            else:
                messages.error(request, f"The e-mail did not go: {sent.get_status_display()}. {sent.error}".strip())
        return link

    return form_page(request, form, create, "loop/customer_links.html", lambda: {
        "person": person, "links": links.person_links(person),
        "new_url": request.session.pop(_new_link_key(person), None),
    }, success_url=links_url(person), message="Made a new link. Copy it now: it is shown only once.")


@login_required
@require_POST
def link_revoke(request: WorkspaceRequest, link_id: int) -> HttpResponse:
    link = get_scoped(CustomerLink.objects.select_related("person"), request.workspace, pk=link_id)
    links.revoke_link(link, request.user)
    messages.success(request, f"Revoked the link; {link.person}'s page no longer opens with it.")
    return redirect(links_url(link.person))
