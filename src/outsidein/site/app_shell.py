"""The installable web app: its manifest and its service worker.

A leader at a customer's site often has no signal. The service worker keeps the quick log page, the pickers'
last answers and the static files on the phone, so the quick log opens offline; app.js keeps what is logged
there (IndexedDB) and sends it when the connection returns, once, by its client id (conversations.quick_log).
The worker is served from the root, so that its scope covers every workspace's pages.
"""

import hashlib
import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Kept on the phone when the worker is installed; each changes the worker's version when it changes.
SHELL_FILES = [
    "outsidein/vendor/pico-2.1.1.min.css", "outsidein/app.css", "outsidein/vendor/htmx-2.0.11.min.js",
    "outsidein/app.js", "outsidein/icons/icon-192.png",
]
ACCENT = "#0f766e"


@lru_cache(maxsize=1)
def shell_version() -> str:
    """A digest of the shell's files: a new release's worker differs by a byte, so phones fetch the new files."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:12]


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse({
        "name": "Outside-In",
        "short_name": "Outside-In",
        "description": "Log and plan customer conversations, and see what customers say.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": ACCENT,
        "icons": [
            {"src": static(f"outsidein/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
             "purpose": "any maskable"} for size in (192, 512)
        ],
    }, content_type="application/manifest+json")


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    script = render_to_string("site/sw.js", {"version": shell_version(),
                                             "shell": json.dumps([static(name) for name in SHELL_FILES])})
    return HttpResponse(script, content_type="application/javascript")
