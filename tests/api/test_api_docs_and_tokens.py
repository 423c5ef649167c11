"""The API describes itself, and personal tokens behave as the settings page promises."""

import hashlib
import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from outsidein.workspaces.models import ApiToken

DOCUMENTED = ["/api/segments", "/api/accounts", "/api/persons", "/api/competitors", "/api/products",
              "/api/conversations", "/api/highlights", "/api/workspace"]


def test_openapi_schema_lists_the_resources(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Outside-In API"
    paths = schema["paths"]
    for path in DOCUMENTED:
        assert path in paths, path
    for collection in ["segments", "accounts", "persons", "competitors", "products"]:
        assert set(paths[f"/api/{collection}"]) == {"get", "post"}
        assert set(paths[f"/api/{collection}/{{item_id}}"]) == {"get", "patch", "delete"}
    assert set(paths["/api/conversations/{conversation_id}"]) == {"get", "patch", "delete"}
    assert "post" in paths["/api/conversations/{conversation_id}/highlights"]
    # Token authentication is documented so clients know how to call it.
    assert any(s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values())


def test_docs_page_renders_without_internet_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the docs page loads its assets"
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    for source in sources:
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source


def test_token_secret_is_shown_once_and_only_its_hash_is_stored(owner_client, workspace):
    url = f"/w/{workspace.slug}/settings/tokens/"
    response = owner_client.post(url, {"name": "CRM sync"}, follow=True)
    # Post/redirect/get: a reload of the page must not create a second token.
    assert response.redirect_chain == [(url, 302)]
    html = response.content.decode()
    secret = re.search(r'id="new-token">\s*(oi_[\w-]+)', html).group(1)
    token = ApiToken.objects.get(name="CRM sync")
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.token_hash, token.hint, token.name}
    assert secret.startswith(token.hint)
    assert len(token.hint) < len(secret) // 2

    again = owner_client.get(url).content.decode()
    assert "CRM sync" in again
    assert secret not in again

    api = Client()
    answer = api.get("/api/workspace", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    assert answer.json()["slug"] == workspace.slug


def test_token_without_a_name_is_refused_next_to_the_field(owner_client, workspace):
    response = owner_client.post(f"/w/{workspace.slug}/settings/tokens/", {"name": ""})
    html = response.content.decode()
    assert 'id="new-token"' not in html
    assert re.search(r'id="field-name".*?errorlist', html, re.S)
    assert not ApiToken.objects.exists()


def test_revoked_token_is_refused(owner_client, workspace):
    owner_client.post(f"/w/{workspace.slug}/settings/tokens/", {"name": "Old script"})
    token = ApiToken.objects.get()
    # Make a second token to learn its secret and check the first is refused once revoked.
    html = owner_client.post(f"/w/{workspace.slug}/settings/tokens/", {"name": "New script"},
                             follow=True).content.decode()
    secret = re.search(r'id="new-token">\s*(oi_[\w-]+)', html).group(1)
    new = ApiToken.objects.get(name="New script")
    headers = {"Authorization": f"Bearer {secret}"}
    assert Client().get("/api/segments", headers=headers).status_code == 200

    response = owner_client.post(f"/w/{workspace.slug}/settings/tokens/{new.pk}/revoke/")
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.revoked_at is not None
    assert Client().get("/api/segments", headers=headers).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is None  # only the one asked for


def test_someone_elses_token_cannot_be_revoked(member_client, owner_client, workspace):
    owner_client.post(f"/w/{workspace.slug}/settings/tokens/", {"name": "Owner's"})
    token = ApiToken.objects.get()
    assert member_client.post(f"/w/{workspace.slug}/settings/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_viewer_may_manage_their_own_tokens(viewer_client, workspace):
    response = viewer_client.post(f"/w/{workspace.slug}/settings/tokens/", {"name": "Read-only dashboard"},
                                  follow=True)
    assert response.status_code == 200
    assert "Your new token" in response.content.decode()
    assert ApiToken.objects.filter(name="Read-only dashboard").exists()


def test_last_used_is_recorded(api, workspace, owner):
    token = ApiToken.objects.get(workspace=workspace, user=owner)
    assert token.last_used_at is None
    api.get("/segments")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < timedelta(minutes=1)

    # An old stamp is refreshed on the next call.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(days=2))
    api.get("/segments")
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_token_of_a_removed_member_stops_working(api, workspace, owner, member, api_for):
    member_api = api_for(workspace, member)
    assert member_api.get("/segments").status_code == 200
    workspace.memberships.get(user=member).delete()
    assert member_api.get("/segments").status_code == 401


def test_token_of_a_deactivated_user_stops_working(workspace, member, api_for):
    member_api = api_for(workspace, member)
    member.is_active = False
    member.save()
    assert member_api.get("/segments").status_code == 401
