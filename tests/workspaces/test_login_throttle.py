"""Sign-in throttling: a client that keeps failing is refused before any password is hashed, per (e-mail,
address) so nobody is locked out from their own address, and more loosely per address."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.utils import timezone

from outsidein.workspaces.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "pw-12345678"
LOCKED = "Too many failed sign-ins for this address from here; try again in 15 minutes."


@pytest.fixture
def password_hashing(monkeypatch) -> list[str]:
    """Every password hash the server computes (a check, or the dummy hash for an unknown e-mail)."""
    calls: list[str] = []

    def counted(name: str):
        original = getattr(MD5PasswordHasher, name)

        def wrapper(self, *args, **kwargs):
            calls.append(name)
            return original(self, *args, **kwargs)
        return wrapper

    for name in ("verify", "encode"):
        monkeypatch.setattr(MD5PasswordHasher, name, counted(name))
    return calls


@pytest.fixture
def later(monkeypatch):
    """Move the clock forward: ``later(minutes=16)``."""
    def move(**delta):
        moment = timezone.now() + timedelta(**delta)
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return move


def sign_in(client: Client, email: str, password: str, **extra):
    return client.post("/login/", {"username": email, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_twenty_wrong_passwords_then_the_right_one_is_refused_without_hashing(owner, password_hashing):
    client = Client()
    answers = [sign_in(client, owner.email, f"guess-{n}") for n in range(20)]
    assert [a.status_code for a in answers] == [200] * 10 + [429] * 10
    assert "Please enter a correct" in answers[9].content.decode()
    assert LOCKED in answers[10].content.decode()

    password_hashing.clear()
    refused = sign_in(client, owner.email, PASSWORD)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    assert 899 <= int(refused["Retry-After"]) <= 900
    assert password_hashing == []  # refused before the password was looked at
    assert not signed_in(client)
    # The same person typed with capitals is the same person.
    assert sign_in(client, owner.email.upper(), PASSWORD).status_code == 429


def test_the_right_password_works_again_after_the_cool_off(owner, later):
    client = Client()
    for n in range(10):
        sign_in(client, owner.email, f"guess-{n}")
    later(minutes=14)
    assert "try again in 1 minute." in sign_in(client, owner.email, PASSWORD).content.decode()
    later(minutes=1, seconds=1)
    response = sign_in(client, owner.email, PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_a_good_sign_in_starts_the_count_afresh(owner):
    client = Client()
    for _ in range(2):
        for n in range(9):
            assert sign_in(client, owner.email, f"guess-{n}").status_code == 200
        assert sign_in(client, owner.email, PASSWORD).status_code == 302
        client.logout()


def test_the_lock_holds_one_e_mail_at_one_address(owner, member):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(20):
        sign_in(attacker, owner.email, f"guess-{n}")
    # The owner signs in from their own address, and a colleague from the attacker's.
    at_home = Client(REMOTE_ADDR="198.51.100.20")
    assert sign_in(at_home, owner.email, PASSWORD).status_code == 302 and signed_in(at_home)
    colleague = Client(REMOTE_ADDR="203.0.113.7")
    assert sign_in(colleague, member.email, PASSWORD).status_code == 302 and signed_in(colleague)


def test_one_address_trying_many_e_mails_meets_the_looser_limit(settings, member, password_hashing):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(12):
        assert sign_in(client, f"someone-{n}@example.com", "guess").status_code == 200
    password_hashing.clear()
    refused = sign_in(client, member.email, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-ins from here; try again in 15 minutes." in refused.content.decode()
    assert password_hashing == []
    assert sign_in(Client(REMOTE_ADDR="198.51.100.20"), member.email, PASSWORD).status_code == 302


def test_a_forwarded_for_header_is_believed_only_behind_a_configured_proxy(settings, owner):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(10):
        sign_in(client, owner.email, f"guess-{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    # No proxy configured: the header is the client's own words and changes nothing.
    assert sign_in(client, owner.email, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429

    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(10):
        sign_in(proxy, owner.email, f"guess-{n}", HTTP_X_FORWARDED_FOR="203.0.113.50")
    # A client behind the same proxy is someone else; the locked one cannot escape by writing its own entry.
    assert sign_in(proxy, owner.email, PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50").status_code == 429
    other = sign_in(proxy, owner.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert other.status_code == 302


def test_ipv6_clients_are_counted_by_their_network(owner):
    for n in range(10):
        sign_in(Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}"), owner.email, f"guess-{n}")
    assert sign_in(Client(REMOTE_ADDR="2001:db8:1:2::ffff"), owner.email, PASSWORD).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="2001:db8:1:3::1"), owner.email, PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(owner, password_hashing):
    User.objects.filter(pk=owner.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    for n in range(10):
        client.post("/admin/login/", {"username": owner.email, "password": f"guess-{n}"})
    password_hashing.clear()
    client.post("/admin/login/", {"username": owner.email, "password": PASSWORD, "next": "/admin/"})
    assert password_hashing == [] and not signed_in(client)


def test_logging_in_without_a_password_is_unaffected(owner):
    """Sessions made by ``force_login`` (and kept across requests) never go through the throttle."""
    client = Client()
    for n in range(10):
        sign_in(client, owner.email, f"guess-{n}")
    client.force_login(owner)
    assert client.get("/workspaces/").status_code == 200


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("OUTSIDEIN_LOGIN_FAILURE_LIMIT", "0", "OUTSIDEIN_LOGIN_FAILURE_LIMIT must be at least 1, not 0."),
    ("OUTSIDEIN_TOKEN_COOLOFF_MINUTES", "soon", "OUTSIDEIN_TOKEN_COOLOFF_MINUTES must be a whole number"),
    ("OUTSIDEIN_TRUSTED_PROXY_COUNT", "-1", "OUTSIDEIN_TRUSTED_PROXY_COUNT must be 0 or more, not -1."),
])
def test_a_limit_that_makes_no_sense_stops_the_start_naming_the_variable(tmp_path, variable, value, says):
    env = {**os.environ, "OUTSIDEIN_DATA_DIR": str(tmp_path), variable: value}
    done = subprocess.run([sys.executable, "-m", "outsidein", "check"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0 and says in done.stderr
