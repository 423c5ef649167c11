"""A team server is configured from the environment alone: `outsidein check --deploy` is clean with the
production variables the README lists, and each of them does what it says on a real request.

Settings are read once per process, so each case runs in a fresh interpreter with its own environment.
"""

import json
import os
import subprocess
import sys

import pytest

PRODUCTION = {
    "OUTSIDEIN_HTTPS": "true",
    "OUTSIDEIN_HSTS_INCLUDE_SUBDOMAINS": "true",
    "OUTSIDEIN_HSTS_PRELOAD": "true",
    "OUTSIDEIN_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "OUTSIDEIN_ALLOWED_HOSTS": "outsidein.example.com",
    "OUTSIDEIN_CSRF_TRUSTED_ORIGINS": "https://outsidein.example.com",
    "OUTSIDEIN_SMTP_HOST": "mail.example.com",
}

REQUEST = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get("/login/", HTTP_HOST="outsidein.example.com")
proxied = client.get("/login/", HTTP_HOST="outsidein.example.com", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.headers.get("Location", "")],
    "proxied": [proxied.status_code, proxied.headers.get("Strict-Transport-Security", "")],
    "cookie_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}))
"""


def _env(tmp_path, **extra: str) -> dict[str, str]:
    # The test run's own variables (a test database, the browser tests' async switch) are not a server's.
    ours = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith("OUTSIDEIN_") and k not in ours}
    return {**base, "DJANGO_SETTINGS_MODULE": "outsidein.settings", "OUTSIDEIN_DATA_DIR": str(tmp_path), **extra}


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "outsidein", "check", "--deploy", "--fail-level", "WARNING"],
                          env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_production_variables(tmp_path):
    done = _check_deploy(_env(tmp_path, **PRODUCTION))
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_names_what_a_laptop_install_lacks(tmp_path):
    done = _check_deploy(_env(tmp_path))
    assert done.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in done.stderr


def test_https_switch_redirects_plain_http_and_sends_hsts_behind_the_proxy(tmp_path):
    done = subprocess.run([sys.executable, "-c", REQUEST], env=_env(tmp_path, **PRODUCTION),
                          capture_output=True, text=True, timeout=120, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://outsidein.example.com/login/"]
    status, hsts = seen["proxied"]
    assert status == 200
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert seen["cookie_secure"] == [True, True]


def test_a_header_that_no_proxy_set_is_not_trusted(tmp_path):
    # Without OUTSIDEIN_PROXY_SSL_HEADER a client cannot claim HTTPS by sending the header itself.
    env = _env(tmp_path, **{k: v for k, v in PRODUCTION.items() if k != "OUTSIDEIN_PROXY_SSL_HEADER"})
    done = subprocess.run([sys.executable, "-c", REQUEST], env=env, capture_output=True, text=True, timeout=120,
                          check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["proxied"][0] == 301


@pytest.mark.parametrize("value", ["a year", "1e6"])
def test_a_malformed_number_is_named(tmp_path, value):
    done = _check_deploy(_env(tmp_path, OUTSIDEIN_HSTS_SECONDS=value))
    assert done.returncode != 0
    assert f"OUTSIDEIN_HSTS_SECONDS must be a whole number, not “{value}”" in done.stderr
