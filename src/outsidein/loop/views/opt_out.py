"""The opt-out link at the foot of every message: it works without logging in, the signed token is the key."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from outsidein.loop import telling


# The token in the address is signed with the server's secret and names the person and workspace: a forged
# request could at most opt out the very person whose link it holds. Mail clients' one-click unsubscribe
# (RFC 8058) POSTs to this address with no CSRF cookie, so the check is left to the token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def opt_out_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners open links; opening one must not opt anyone out); POST records it."""
    person = telling.person_from_token(token)
    if person is None:
        raise Http404("This link is not valid.")
    done = request.method == "POST"
    if done:
        telling.opt_out(person)
    context = {"person": person, "workspace": person.workspace, "done": done or telling.is_opted_out(person)}
    return render(request, "loop/opt_out.html", context)
