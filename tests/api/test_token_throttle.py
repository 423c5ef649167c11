"""Wrong API tokens: past the limit an address is refused (429, Retry-After, the limit named) before its token is
looked up; other addresses and their valid tokens carry on; the count is shared by every process."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outsidein.feedback.models import FeedbackItem

pytestmark = pytest.mark.django_db
REFUSAL = ("Too many requests with a wrong API token from this address (the limit is 20 failures in 15 minutes); "
           "try again in 15 minutes.")


def call(path: str, token: str, address: str = "127.0.0.1", method: str = "GET", body=None):
    client = Client(REMOTE_ADDR=address)
    headers = {"Authorization": f"Bearer {token}"}
    if body is None:
        return client.generic(method, f"/api{path}", headers=headers)
    return client.generic(method, f"/api{path}", data=json.dumps(body), content_type="application/json",
                          headers=headers)


def test_twenty_wrong_tokens_then_even_a_valid_one_is_refused_before_any_lookup(api):
    answers = [call("/workspace", f"oi_guess{n}", "203.0.113.7").status_code for n in range(20)]
    assert answers == [401] * 20
    with CaptureQueriesContext(connection) as queries:
        refused = call("/feedback", api.secret, "203.0.113.7", "POST", {"text": "Late again", "nps": 3})
    assert refused.status_code == 429
    assert refused.json() == {"detail": REFUSAL}
    assert 899 <= int(refused["Retry-After"]) <= 900
    assert not any("workspaces_apitoken" in q["sql"] for q in queries.captured_queries)
    assert not FeedbackItem.objects.exists()
    # Everyone else is unaffected, valid token or wrong one.
    assert call("/workspace", api.secret, "198.51.100.20").status_code == 200
    assert call("/workspace", "oi_typo", "198.51.100.21").status_code == 401


def test_valid_requests_do_not_count_and_the_block_ends_after_the_cool_off(api, monkeypatch):
    for _ in range(30):
        assert call("/workspace", api.secret).status_code == 200
    for n in range(20):
        call("/workspace", f"oi_guess{n}")
    assert call("/workspace", api.secret).status_code == 429
    moment = timezone.now() + timedelta(minutes=15, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert call("/workspace", api.secret).status_code == 200


def test_the_limit_and_cool_off_come_from_the_settings(settings, api):
    settings.TOKEN_FAILURE_LIMIT, settings.TOKEN_COOLOFF_MINUTES = 3, 1
    assert [call("/workspace", "oi_guess").status_code for _ in range(4)] == [401, 401, 401, 429]
    refused = call("/workspace", api.secret)
    assert "(the limit is 3 failures in 1 minute); try again in 1 minute." in refused.json()["detail"]
    assert int(refused["Retry-After"]) <= 60


@pytest.mark.django_db(transaction=True)
def test_failures_counted_by_another_process_refuse_here(api, second_process):
    printed = second_process(
        "from django.test import Client\n"
        "client = Client()\n"
        "print(' '.join(str(client.get('/api/workspace', headers={'Authorization': f'Bearer oi_guess{n}'})"
        ".status_code) for n in range(20)))\n")
    assert printed.split() == ["401"] * 20
    assert call("/workspace", api.secret).status_code == 429
