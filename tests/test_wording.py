"""Words a leader reads: a crawl of the demo workspace as owner, leader, member and viewer that fails on raw codes,
"(s)", "1 days", Python's None, Django's "Dec. 31, 2026" dates and file paths printed as text."""

import html
import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from outsidein.workspaces.models import Membership, Role

# What would be a slip on a page, with the reason the test names.
SLIPS = [
    (re.compile(r"(?<![\d.,])1 (days|weeks|months|hours|minutes|conversations|people|items|themes|accounts|texts|"
                r"messages|leaders|highlights|segments|replies|ideas|votes|pieces)\b"), "a plural after 1"),
    (re.compile(r"\w\((s|es)\)"), "a plural left to the reader"),
    (re.compile(r"\b0 (minutes|seconds) ago\b"), "'0 minutes ago' instead of 'just now'"),
    (re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"), "a raw code"),
    (re.compile(r"(?<![\w-])None(?![\w-]|\s+[a-z])"), "Python's None"),  # "None yet." is English
    (re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Oct|Nov|Dec)\. \d{1,2}, \d{4}\b"), "Django's default date"),
    (re.compile(r"\b[\w-]+/[\w/-]+\.(md|py|html)\b"), "a file path"),
]
# Parts of a page whose text is not prose: code and what a person typed (pre, code, textarea, a form's values).
NOT_PROSE = re.compile(r"<(script|style|pre|code|textarea|template)\b.*?</\1>", re.S | re.I)
PAGES_PER_KIND = 2
MAX_PAGES = 400


def visible_text(page: str) -> str:
    page = NOT_PROSE.sub(" ", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


def crawl(client: Client, start: str, slug: str) -> dict[str, str]:
    """Every kind of page reachable from ``start`` by links, a couple of each (the demo has thousands of rows)."""
    seen, kinds, pages = {start}, Counter(), {}
    queue = deque([start])
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            continue
        kind = (match.url_name, bool(urlsplit(path).query))
        if kinds[kind] >= PAGES_PER_KIND:
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        kinds[kind] += 1
        body = response.content.decode()
        pages[path] = body
        for href in re.findall(r'href="([^"#]+)', body):
            href = html.unescape(href)
            if href.startswith(f"/w/{slug}/") and href not in seen and "/export" not in href \
                    and not href.endswith((".csv", ".xlsx", ".ics", ".json")):
                seen.add(href)
                queue.append(href)
    return pages


@pytest.mark.parametrize("role", [Role.OWNER, Role.LEADER, Role.MEMBER, Role.VIEWER])
def test_the_demo_reads_as_plain_words_for_every_role(demo, role):
    membership = Membership.objects.filter(workspace=demo.workspace, role=role).select_related("user").first()
    assert membership is not None, f"the demo has no {role}"
    client = Client()
    client.force_login(membership.user)
    slug = demo.workspace.slug
    pages = crawl(client, f"/w/{slug}/", slug)
    assert len(pages) >= 40, sorted(pages)
    found = []
    for path, body in pages.items():
        text = visible_text(body)
        for pattern, why in SLIPS:
            for match in pattern.finditer(text):
                around = text[max(0, match.start() - 50):match.end() + 30]
                found.append(f"{path}: {why}: …{around}…")
    assert not found, "\n".join(sorted(set(found))[:80])


def test_a_moment_ago_reads_just_now_and_later_ones_in_words():
    from datetime import timedelta

    from django.utils import timezone

    from outsidein.core.templatetags.outsidein import ago

    now = timezone.now()
    assert ago(now) == "just now" and ago(now - timedelta(seconds=20)) == "just now"
    assert ago(now - timedelta(minutes=5)).replace("\xa0", " ") == "5 minutes ago"  # kept on one line
    assert ago(None) == ""
