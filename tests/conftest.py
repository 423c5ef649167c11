"""Fixtures shared by the whole suite: workspaces with members of each role, a second workspace to prove
that nothing leaks between them, one customer (segment, account, person) and the demo workspace;
tests/factories.py makes more."""

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import demo_snapshot
import factories
import pytest
from aiosmtpd.controller import Controller
from django.test import Client, override_settings
from factories import client_for
from inbox import Inbox, free_port

from outsidein.customers.models import Account, Person, Segment
from outsidein.site.demo.builder import DemoContext
from outsidein.workspaces import services as workspace_services
from outsidein.workspaces.models import Role, User

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make around it are
# still synchronous, so tell Django they are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


FAST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
    "MAILERS": {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}},
}


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    for name, value in FAST_SETTINGS.items():
        setattr(settings, name, value)
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


@pytest.fixture
def segment(workspace) -> Segment:
    return factories.segment(workspace, "Enterprise")


@pytest.fixture
def segments(workspace) -> dict[str, Segment]:
    """Retail and Wholesale, by name."""
    return {name: factories.segment(workspace, name) for name in ("Retail", "Wholesale")}


@pytest.fixture
def account(workspace, segment) -> Account:
    """Globex, in the Enterprise segment."""
    return factories.account(workspace, "Globex", segment=segment)


@pytest.fixture
def person(workspace, account) -> Person:
    """Hank Scorpio, the buyer at Globex."""
    return factories.person(workspace, "Hank Scorpio", account=account, role="buyer")


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory) -> demo_snapshot.DemoSnapshot:
    with django_db_blocker.unblock(), override_settings(**FAST_SETTINGS,
                                                        MEDIA_ROOT=tmp_path_factory.mktemp("demo") / "media"):
        return demo_snapshot.take()


@pytest.fixture
def demo(db, _demo_snapshot) -> DemoContext:
    """The demo workspace, as `outsidein demo` builds it, fresh for this test: built once per run, copied in."""
    return _demo_snapshot.load()


@pytest.fixture
def owner_client(owner, workspace) -> Client:
    return client_for(owner)


@pytest.fixture
def member_client(member) -> Client:
    return client_for(member)


@pytest.fixture
def viewer_client(viewer) -> Client:
    return client_for(viewer)


@dataclass
class ApiClient:
    """Speaks JSON to /api with a personal token: ``api.get("/themes")`` or ``api("POST", "/themes", {...})``."""

    secret: str
    client: Client

    def call(self, method: str, path: str, body: dict | None = None, **params):
        headers = {"Authorization": f"Bearer {self.secret}"}
        url = f"/api{path}" + (f"?{urlencode(params, doseq=True)}" if params else "")
        if body is None:
            return self.client.generic(method, url, headers=headers)
        return self.client.generic(method, url, data=json.dumps(body), content_type="application/json",
                                   headers=headers)

    __call__ = call

    def get(self, path: str, **params):
        return self.call("GET", path, **params)

    def post(self, path: str, body: dict):
        return self.call("POST", path, body)

    def patch(self, path: str, body: dict):
        return self.call("PATCH", path, body)

    def delete(self, path: str):
        return self.call("DELETE", path)


def api_client_for(workspace, user, name: str = "Tests") -> ApiClient:
    _, secret = workspace_services.create_api_token(workspace, user, name)
    return ApiClient(secret, Client())


@pytest.fixture
def api_for(db):
    """An API client with a fresh token of ``user`` in ``workspace``: ``api_for(workspace, user)``."""
    return api_client_for


@pytest.fixture
def api(workspace, owner) -> ApiClient:
    """The owner's API client in the test workspace."""
    return api_client_for(workspace, owner)


@pytest.fixture
def second_process():
    """``second_process(code)`` runs code in another Django process on this test's database, as another web
    process or a worker would, and returns what it printed. The test needs ``django_db(transaction=True)`` so
    the other process sees its rows."""
    return _run_in_second_process


def _run_in_second_process(code: str) -> str:
    import subprocess
    import sys
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = (f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@{db['HOST'] or 'localhost'}:"
               f"{db['PORT'] or 5432}/{db['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "outsidein.settings"}
    done = subprocess.run([sys.executable, "-c", "import django\ndjango.setup()\n" + code], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def smtp_inbox(settings) -> Iterator[Inbox]:
    """A real SMTP server on loopback that the product's mail settings point at; what it received."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": controller.port}}}
    yield inbox
    controller.stop()
