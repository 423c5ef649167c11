"""Conversation and highlight lists at volume: a page costs the same queries with 10 rows or 200, its
highlight counts are those of its own rows, and a long list says "more than 1,000" instead of counting."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outsidein.conversations import services
from outsidein.conversations.models import Conversation, Highlight, Tag


def add_conversations(workspace, owner, account, n: int, start: int = 0) -> list[Conversation]:
    """``n`` conversations with two tagged highlights each, in bulk (the point is the reads)."""
    now = timezone.now()
    rows = [Conversation(workspace=workspace, kind="coffee", status="logged", account=account, led_by=owner,
                         created_by=owner, notes=f"Invoice talk {i}", search_text=f"Invoice talk {i}",
                         occurred_at=now - timedelta(hours=i + 1))
            for i in range(start, start + n)]
    conversations = Conversation.objects.bulk_create(rows)
    Conversation.members.through.objects.bulk_create(
        [Conversation.members.through(conversation=c, user=owner) for c in conversations])
    highlights = Highlight.objects.bulk_create(
        [Highlight(workspace=workspace, conversation=c, kind="pain", text=f"Invoice {c.notes} was late",
                   created_by=owner) for c in conversations for _ in range(2)])
    tag, _ = Tag.objects.get_or_create(workspace=workspace, name="billing")
    Highlight.tags.through.objects.bulk_create([Highlight.tags.through(highlight=h, tag=tag) for h in highlights])
    return conversations


def queries_for(fetch) -> int:
    fetch()  # warm what is filled once per process
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


PAGES = [
    ("page", "/conversations/", {}),
    ("page", "/conversations/", {"q": "invoice"}),
    ("page", "/highlights/", {"q": "invoice"}),
    ("page", "/highlights/", {"q": "billing"}),
    ("api", "/conversations", {"limit": 100}),
    ("api", "/conversations", {"limit": 100, "q": "invoice"}),
    ("api", "/highlights", {"limit": 100, "q": "late"}),
]


@pytest.mark.parametrize(("kind", "path", "params"), PAGES)
def test_same_queries_with_10_or_200_conversations(owner_client, api, workspace, owner, account, kind, path,
                                                   params):
    if kind == "page":
        def fetch():
            return owner_client.get(f"/w/{workspace.slug}{path}", params)
    else:
        def fetch():
            return api.get(path, **params)
    add_conversations(workspace, owner, account, 10)
    small = queries_for(fetch)
    add_conversations(workspace, owner, account, 190, start=10)
    assert queries_for(fetch) == small


def test_each_row_shows_its_own_highlight_count(owner_client, api, workspace, owner, account):
    busy = services.save_conversation(workspace, owner, {"account": account, "notes": "Busy one"},
                                      highlights=[{"kind": "pain", "text": "Slow"}, {"kind": "idea", "text": "Faster"},
                                                  {"kind": "gain", "text": "Cheaper"}])
    quiet = services.save_conversation(workspace, owner, {"account": account, "notes": "Quiet one"})
    page = owner_client.get(f"/w/{workspace.slug}/conversations/").content.decode()
    busy_item = page.split(f'id="conversation-{busy.pk}"')[1].split("</article>")[0]
    quiet_item = page.split(f'id="conversation-{quiet.pk}"')[1].split("</article>")[0]
    assert "3 highlights" in busy_item
    assert "highlight" not in quiet_item
    counts = {item["id"]: item["highlight_count"] for item in api.get("/conversations").json()["items"]}
    assert counts == {busy.pk: 3, quiet.pk: 0}
    assert api.get(f"/conversations/{busy.pk}").json()["highlight_count"] == 3


def test_a_long_list_says_more_than_1000_and_still_reaches_its_end(owner_client, workspace, owner, account):
    add_conversations(workspace, owner, account, 1010)
    url = f"/w/{workspace.slug}/conversations/"
    first = owner_client.get(url).content.decode()
    assert "more than 1,000 in all" in first
    assert "Older →" in first
    last = owner_client.get(url, {"page": 41}).content.decode()  # rows 1,001 to 1,010
    assert last.count('class="conversation-item"') == 10
    assert "Invoice talk 1009" in last
    assert "Older →" not in last and "← Newer" in last
    beyond = owner_client.get(url, {"page": 99})
    assert beyond.status_code == 200  # a page past the end shows the last counted page, not an error


def test_a_short_list_says_exactly_how_many(owner_client, workspace, owner, account):
    add_conversations(workspace, owner, account, 30)
    page = owner_client.get(f"/w/{workspace.slug}/conversations/").content.decode()
    assert "Page 1 of 2 · 30 in all" in page
