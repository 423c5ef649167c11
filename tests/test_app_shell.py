"""The installable app: a manifest a phone can install from, and a service worker that covers every page."""

import json

from django.contrib.staticfiles import finders
from django.test import Client


def test_the_manifest_names_the_app_and_icons_that_exist(db):
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Outside-In" and manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert sizes == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert found, icon["src"]
        with open(found, "rb") as file:
            assert file.read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_service_worker_is_served_from_the_root_with_the_shell_to_keep(db):
    response = Client().get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"] == "application/javascript"
    assert "no-cache" in response["Cache-Control"]  # a new release reaches phones on their next visit
    script = response.content.decode()
    assert '"/static/outsidein/app.js"' in script and "&quot;" not in script
    assert 'const VERSION = "' in script and "conversations\\/log" in script


def test_every_page_links_the_manifest(owner_client, workspace):
    html = owner_client.get(f"/w/{workspace.slug}/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
