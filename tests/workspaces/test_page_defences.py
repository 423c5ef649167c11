"""The defences every page relies on, as a browser meets them: CSRF on writes, no open redirect after sign-in,
and the headers that keep a page from running foreign scripts or being framed."""

import pytest
from django.test import Client

from outsidein.customers.models import Account


def test_a_form_post_without_the_csrf_token_is_refused(owner, workspace):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(f"/w/{workspace.slug}/accounts/new/", {"name": "Forged"})
    assert response.status_code == 403
    assert not Account.objects.filter(name="Forged").exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_sign_in_never_sends_the_user_to_another_site(owner, target):
    response = Client().post(f"/login/?next={target}", {"username": owner.email, "password": "pw-12345678"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_a_page_allows_only_its_own_scripts_and_cannot_be_framed(owner_client, workspace):
    response = owner_client.get(f"/w/{workspace.slug}/accounts/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
