"""Fixtures shared by the whole suite: workspaces with members of each role, and a second workspace
to prove that nothing leaks between them."""

import os

import pytest
from django.test import Client

from outsidein.workspaces import services as workspace_services
from outsidein.workspaces.models import Role, User

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make around it are
# still synchronous, so tell Django they are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def make_user(email: str, name: str = "", password: str = "pw-12345678") -> User:
    return User.objects.create_user(email, password, name=name or email.split("@")[0].title())


@pytest.fixture
def owner(db) -> User:
    return make_user("owner@example.com", "Olivia Owner")


@pytest.fixture
def workspace(owner):
    return workspace_services.create_workspace("Acme", owner)


@pytest.fixture
def leader(workspace) -> User:
    user = make_user("leader@example.com", "Leo Leader")
    workspace_services.add_member(workspace, user, Role.LEADER)
    return user


@pytest.fixture
def member(workspace) -> User:
    user = make_user("member@example.com", "Mia Member")
    workspace_services.add_member(workspace, user, Role.MEMBER)
    return user


@pytest.fixture
def viewer(workspace) -> User:
    user = make_user("viewer@example.com", "Vic Viewer")
    workspace_services.add_member(workspace, user, Role.VIEWER)
    return user


@pytest.fixture
def other_workspace(db):
    stranger = make_user("stranger@elsewhere.example", "Sam Stranger")
    return workspace_services.create_workspace("Elsewhere", stranger)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner, workspace) -> Client:
    return client_for(owner)


@pytest.fixture
def member_client(member) -> Client:
    return client_for(member)


@pytest.fixture
def viewer_client(viewer) -> Client:
    return client_for(viewer)
