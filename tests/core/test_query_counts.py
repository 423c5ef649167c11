"""A page costs a bounded number of queries whatever the data size: 10 rows and 200 rows cost the same."""

from datetime import timedelta

import factories
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outsidein.conversations.models import Conversation, Highlight, Tag
from outsidein.core import services
from outsidein.customers.models import Account, Competitor, Person, Product, Segment
from outsidein.workspaces import services as workspace_services
from outsidein.workspaces.models import Membership, Role, User


class World:
    """A workspace that grows: `grow_to(n)` adds members, segments, accounts, persons, products and two
    conversations with highlights per step, in bulk (the point is the pages, not the writes)."""

    def __init__(self, workspace, owner):
        self.workspace, self.owner = workspace, owner
        self.segment = factories.segment(workspace, "Enterprise")
        self.account = factories.account(workspace, "Globex", segment=self.segment, account_manager=owner)
        self.competitor = services.create_owned(Competitor, workspace, {"name": "FreightCo"})
        self.common_tag = Tag.objects.create(workspace=workspace, name="common")
        self.count = 0

    def grow_to(self, n: int) -> None:
        steps = range(self.count, n)
        if not steps:
            return
        ws, now = self.workspace, timezone.now()
        colleagues = User.objects.bulk_create([User(email=f"colleague{i}@example.com", name=f"Colleague {i}")
                                               for i in steps])
        Membership.objects.bulk_create([Membership(workspace=ws, user=u, role=Role.MEMBER) for u in colleagues])
        segments = Segment.objects.bulk_create([Segment(workspace=ws, name=f"Segment {i}") for i in steps])
        accounts = Account.objects.bulk_create([
            Account(workspace=ws, name=f"Account {i}", segment=s, account_manager=u)
            for i, s, u in zip(steps, segments, colleagues, strict=True)])
        persons = Person.objects.bulk_create([Person(workspace=ws, name=f"Person {i}", account=self.account)
                                              for i in steps])
        contacts = Person.objects.bulk_create([Person(workspace=ws, name=f"Contact {i}", account=a)
                                               for i, a in zip(steps, accounts, strict=True)])
        products = Product.objects.bulk_create([Product(workspace=ws, name=f"Product {i}") for i in steps])
        Product.target_segments.through.objects.bulk_create(
            [Product.target_segments.through(product=p, segment=s) for p, s in zip(products, segments, strict=True)]
            + [Product.target_segments.through(product=p, segment=self.segment) for p in products])
        tags = Tag.objects.bulk_create([Tag(workspace=ws, name=f"tag{i}") for i in steps])

        rows = []  # (conversation, colleague, person met, tag)
        for i, colleague, account, person, contact, tag in zip(steps, colleagues, accounts, persons, contacts, tags,
                                                                strict=True):
            for target, met in ((self.account, person), (account, contact)):
                notes = f"Notes {i} about **pallets**"
                rows.append((Conversation(
                    workspace=ws, kind="coffee", status="logged", account=target, led_by=colleague,
                    created_by=colleague, notes=notes, search_text=notes,
                    occurred_at=now - timedelta(days=i % 90, hours=1)), colleague, met, tag))
        conversations = Conversation.objects.bulk_create([r[0] for r in rows])
        Conversation.members.through.objects.bulk_create(
            [Conversation.members.through(conversation=c, user=u) for c, (_, u, _, _) in zip(conversations, rows,
                                                                                               strict=True)]
            + [Conversation.members.through(conversation=c, user=self.owner) for c in conversations])
        Conversation.persons.through.objects.bulk_create(
            [Conversation.persons.through(conversation=c, person=p) for c, (_, _, p, _) in zip(conversations, rows,
                                                                                                strict=True)])
        highlights = []
        for c, (_, colleague, met, _) in zip(conversations, rows, strict=True):
            highlights.append(Highlight(workspace=ws, conversation=c, kind="pain", text=f"Pain in {c.notes}",
                                        person=met, created_by=colleague))
            highlights.append(Highlight(workspace=ws, conversation=c, kind="competitor_mention", text="Cheaper",
                                        competitor=self.competitor, created_by=colleague))
        highlights = Highlight.objects.bulk_create(highlights)
        Highlight.tags.through.objects.bulk_create(
            [Highlight.tags.through(highlight=h, tag=self.common_tag) for h in highlights]
            + [Highlight.tags.through(highlight=h, tag=rows[index // 2][3]) for index, h in enumerate(highlights)])
        self.count = n


@pytest.fixture
def world(workspace, owner):
    return World(workspace, owner)


def queries_for(fetch) -> int:
    fetch()  # warm caches that are filled once per process (content types, templates)
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries)


def page(client: Client, url: str, **params):
    return lambda: client.get(url, params)


def api_call(secret: str, path: str, **params):
    client = Client()
    return lambda: client.get(f"/api{path}", params, headers={"Authorization": f"Bearer {secret}"})


def assert_flat(world: World, fetch) -> None:
    world.grow_to(10)
    small = queries_for(fetch)
    world.grow_to(200)
    large = queries_for(fetch)
    assert small == large, f"{small} queries with 10 rows, {large} with 200"


@pytest.mark.parametrize("params", [{}, {"q": "pallets"}, {"kind": "coffee", "member": "me"}])
def test_conversation_list_page(world, owner_client, workspace, owner, params):
    params = {k: (owner.pk if v == "me" else v) for k, v in params.items()}
    assert_flat(world, page(owner_client, f"/w/{workspace.slug}/conversations/", **params))


def test_account_page(world, owner_client):
    assert_flat(world, page(owner_client, world.account.get_absolute_url()))


def test_highlight_list_page(world, owner_client, workspace):
    assert_flat(world, page(owner_client, f"/w/{workspace.slug}/highlights/"))


def test_workspace_home(world, owner_client, workspace):
    assert_flat(world, page(owner_client, f"/w/{workspace.slug}/"))


@pytest.mark.parametrize("plural", ["accounts", "persons", "products", "segments", "competitors"])
def test_resource_lists(world, owner_client, workspace, plural):
    assert_flat(world, page(owner_client, f"/w/{workspace.slug}/{plural}/"))


def test_members_page(world, owner_client, workspace):
    assert_flat(world, page(owner_client, f"/w/{workspace.slug}/members/"))


@pytest.mark.parametrize("path", ["/conversations", "/highlights", "/accounts", "/persons", "/products"])
def test_api_lists(world, workspace, owner, path):
    _, secret = workspace_services.create_api_token(workspace, owner, "Counting")
    assert_flat(world, api_call(secret, path, limit=100))


def test_conversation_detail(world, owner_client):
    world.grow_to(10)
    conversation = world.account.conversations.first()
    small = queries_for(page(owner_client, conversation.get_absolute_url()))
    world.grow_to(200)
    assert queries_for(page(owner_client, conversation.get_absolute_url())) == small
