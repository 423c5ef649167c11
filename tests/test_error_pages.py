"""Error pages a person can read: in the product's look, saying what happened, with a way back; JSON under /api/."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse
from factories import client_for

from outsidein.site.urls import handler500  # noqa: F401  # this module is the URL conf of one test
from outsidein.site.urls import urlpatterns as site_patterns


def _fails(request) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [*site_patterns, path("fails/", _fails)]


def page(response) -> str:
    return response.content.decode()


def test_an_unknown_address_is_a_page_not_found_with_a_way_home(owner_client, workspace):
    response = owner_client.get(f"/w/{workspace.slug}/no-such-page/", HTTP_REFERER="http://testserver/w/")
    assert response.status_code == 404
    body = page(response)
    assert "Page not found" in body and "Outside-In" in body and "<nav" in body
    assert f'href="{reverse("workspace-home", kwargs={"ws": workspace.slug})}"' in body
    assert 'href="http://testserver/w/"' in body  # back to where they came from
    assert "The requested resource was not found" not in body  # not Django's page


def test_a_link_back_is_never_to_another_site(owner_client, workspace):
    response = owner_client.get(f"/w/{workspace.slug}/no-such-page/", HTTP_REFERER="https://evil.example/x")
    assert "evil.example" not in page(response) and "Back to the previous page" not in page(response)


def test_a_refused_write_says_why_in_the_product_s_words(viewer, workspace):
    response = client_for(viewer).post(reverse("conversation-log", kwargs={"ws": workspace.slug}),
                                       {"summary": "Coffee with Hank"},
                                       HTTP_REFERER=f"http://testserver/w/{workspace.slug}/conversations/log/")
    assert response.status_code == 403
    body = page(response)
    assert "You cannot do that here" in body and "Viewers can read but not change anything" in body
    assert "Back to the previous page" in body
    assert "403 Forbidden" not in body


def test_a_refused_write_keeps_what_was_typed_but_not_tokens_or_ids(viewer, workspace, account):
    response = client_for(viewer).post(reverse("conversation-log", kwargs={"ws": workspace.slug}), {
        "kind": "coffee", "account": account.pk, "notes": "They re-key <every> order by hand",
        "highlight_text": "We print labels twice", "client_id": "abcdef123456", "password": "hunter22"})
    assert response.status_code == 403
    body = page(response)
    assert "What you typed, kept here so it is not lost" in body
    assert "Notes: They re-key &lt;every&gt; order by hand" in body and "Highlight text: We print labels twice" in body
    assert "abcdef123456" not in body and "hunter22" not in body and f"Account: {account.pk}" not in body


def test_opening_a_form_only_address_explains_itself_and_keeps_allow(owner_client, owner, workspace):
    membership = owner.memberships.get(workspace=workspace)
    response = owner_client.get(reverse("member-role", kwargs={"ws": workspace.slug, "membership_id": membership.pk}))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "That page cannot be opened this way" in page(response)


def test_an_expired_form_says_to_reload_and_send_again(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "This form has expired" in page(response) and "reload the page" in page(response)


@pytest.mark.urls(__name__)
def test_a_failure_on_our_side_is_a_calm_page_and_json_under_the_api(owner):
    client = client_for(owner)
    client.raise_request_exception = False
    response = client.get("/fails/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in page(response) and 'href="/"' in page(response)


def test_the_api_answers_json_for_unknown_addresses(owner_client):
    response = owner_client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()
