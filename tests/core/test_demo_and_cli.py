"""`outsidein demo` builds a workspace worth looking at; `outsidein createuser` makes a login."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client

from outsidein.conversations.models import Conversation, Highlight, Kind
from outsidein.customers.models import Account, Competitor, Person, Product, Segment
from outsidein.site.demo.builder import demo_login
from outsidein.workspaces import services as workspace_services
from outsidein.workspaces.models import Membership, Role, User, Workspace


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db(transaction=False)
def test_demo_builds_a_living_workspace():
    output = run("demo")
    workspace = Workspace.objects.get()
    email, password = demo_login()
    assert f"Demo login: {email} / {password}" in output

    roles = dict(Membership.objects.filter(workspace=workspace).values_list("role").annotate(n=Count("id")))
    assert roles.get(Role.OWNER, 0) + roles.get(Role.LEADER, 0) >= 5
    assert roles.get(Role.MEMBER, 0) >= 10
    assert Segment.objects.filter(workspace=workspace).count() >= 3
    accounts = Account.objects.filter(workspace=workspace)
    assert accounts.count() >= 60
    assert not accounts.annotate(n=Count("persons")).filter(n=0).exists(), "every account has people"
    assert Person.objects.filter(workspace=workspace).values("role").distinct().count() == 3
    assert Competitor.objects.filter(workspace=workspace).exists()
    assert Product.objects.filter(workspace=workspace).exists()

    conversations = Conversation.objects.filter(workspace=workspace)
    assert set(conversations.values_list("kind", flat=True)) == set(Kind.values)
    logged = conversations.filter(status="logged")
    first, last = logged.order_by("occurred_at").first(), logged.order_by("occurred_at").last()
    assert 150 <= (last.occurred_at - first.occurred_at).days <= 200  # about six months
    assert conversations.filter(status="planned").exists()
    assert Highlight.objects.filter(workspace=workspace).values("kind").distinct().count() >= 6
    # Search works on what the demo wrote.
    assert conversations.exclude(search_text="").count() == conversations.exclude(notes="", title="").count()

    client = Client()
    assert client.post("/login/", {"username": email, "password": password}).status_code == 302
    home = client.get("/", follow=True)
    assert home.status_code == 200
    html = home.content.decode()
    assert "Northwind Freight" in html
    assert "None yet" not in html and "No highlights yet" not in html
    assert client.get(f"/w/{workspace.slug}/conversations/").status_code == 200
    assert client.get(accounts.first().get_absolute_url()).status_code == 200

    # Running it again neither fails nor builds a second copy.
    again = run("demo")
    assert "not rebuilt" in again
    assert Workspace.objects.count() == 1


def test_demo_if_empty_leaves_an_existing_database_alone(db):
    owner = User.objects.create_user("someone@example.com", "pw-12345678")
    workspace_services.create_workspace("Real company", owner)
    output = run("demo", if_empty=True)
    assert "not rebuilt" in output
    assert list(Workspace.objects.values_list("name", flat=True)) == ["Real company"]
    assert not Conversation.objects.exists()


def test_createuser_makes_a_login_and_a_workspace(db):
    output = run("createuser", "Ada@Example.com", password="a-long-password", name="Ada",
                 create_workspace="Analytical Engines")
    user = User.objects.get(email="ada@example.com")
    assert user.check_password("a-long-password")
    assert user.name == "Ada" and not user.is_staff
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER and membership.workspace.name == "Analytical Engines"
    assert "ada@example.com" in output

    run("createuser", "bob@example.com", password="another-password", workspace=membership.workspace.slug,
        role="viewer", staff=True)
    bob = User.objects.get(email="bob@example.com")
    assert bob.is_staff
    assert Membership.objects.get(user=bob).role == Role.VIEWER
    assert Client().post("/login/", {"username": "bob@example.com", "password": "another-password"}).status_code == 302


def test_createuser_refuses_a_duplicate_e_mail(db):
    run("createuser", "ada@example.com", password="a-long-password")
    with pytest.raises(CommandError, match="already exists"):
        run("createuser", "ADA@example.com", password="something-else")
    assert User.objects.count() == 1
    assert User.objects.get().check_password("a-long-password")


def test_createuser_refuses_an_unknown_workspace_without_leaving_a_user(db):
    with pytest.raises(CommandError, match="No workspace"):
        run("createuser", "ada@example.com", password="a-long-password", workspace="nowhere")
    assert not User.objects.exists()
