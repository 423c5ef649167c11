"""The customer's own page, opened through their private link without logging in.

The secret in the address is the key: a wrong, revoked or expired one is a page that does not exist (404, and
``counts_wrong_tokens`` refuses a client that keeps guessing). Opening the page writes nothing; each post is
counted per link and per client address and, past the limit, refused (429 with Retry-After) before anything is
saved. Posts carry Django's CSRF token like every form of the product.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from outsidein.loop import brainstorms, customer_page, links
from outsidein.loop.models import CustomerLink, SuggestionKind
from outsidein.workspaces import throttle

HOUR = timedelta(hours=1)
# Generous for a person with a lot to say, tight for a script: a few dozen items an hour at most get in.
PER_LINK = throttle.Rule("customer-page-link", 10, HOUR,
                         "You have sent a lot in a short time; please try again in {minutes}.")
PER_ADDRESS = throttle.Rule("customer-page-address", 30, HOUR,
                            "Many messages came from here in a short time; please try again in {minutes}.")

KIND_CHOICES = [(SuggestionKind.IDEA, "An idea"), (SuggestionKind.SUGGESTION, "A suggestion"),
                (SuggestionKind.CONCERN, "A concern")]


class CustomerIdeaForm(forms.Form):
    kind = forms.ChoiceField(choices=KIND_CHOICES, initial=SuggestionKind.IDEA, widget=forms.RadioSelect,
                             label="What is it?")
    text = forms.CharField(max_length=customer_page.MAX_WORDS, label="Tell us in your own words",
                           widget=forms.Textarea(attrs={"rows": 5}))


def post_counters(request: HttpRequest, link: CustomerLink) -> list[throttle.Counter]:
    return [throttle.counter(PER_LINK, str(link.pk)), throttle.counter(PER_ADDRESS, throttle.client_address(request))]


def _live_link(secret: str) -> CustomerLink:
    link = links.link_for_secret(secret)
    if link is None:
        raise Http404("This link does not work.")
    return link


def _page(request: HttpRequest, link: CustomerLink, secret: str, form: CustomerIdeaForm,
          status: int = 200) -> HttpResponse:
    person = link.person
    return render(request, "loop/customer_page.html", {
        "person": person, "workspace": link.workspace, "secret": secret, "form": form,
        "threads": customer_page.threads_of(person), "boards": brainstorms.boards_for_person(person),
    }, status=status)


@require_http_methods(["GET", "POST"])
def customer_page_view(request: HttpRequest, secret: str) -> HttpResponse:
    link = _live_link(secret)
    if request.method != "POST":
        return _page(request, link, secret, CustomerIdeaForm())
    counters = post_counters(request, link)
    if (block := throttle.current_block(request, counters)) is not None:
        return render(request, "loop/customer_throttled.html",
                      {"workspace": link.workspace, "message": block.message, "secret": secret}, status=429)
    # Every post counts, taken or not: the limit is on how often anyone may write here.
    throttle.record_failure(counters)
    form = CustomerIdeaForm(request.POST)
    if form.is_valid():
        try:
            customer_page.add_from_page(link, text=form.cleaned_data["text"], kind=form.cleaned_data["kind"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you! We have it, and we will tell you what becomes of it.")
            return redirect(request.path)
    return _page(request, link, secret, form, status=422)
