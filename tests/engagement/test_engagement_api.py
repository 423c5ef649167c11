"""Challenges, leaderboard and pulse through the JSON API."""

import json
from datetime import date, timedelta

import pytest
from conftest import add_user, logged
from django.test import Client
from django.utils import timezone

from outsidein.workspaces import services as workspace_services

pytestmark = pytest.mark.django_db


def api(user, workspace):
    _, secret = workspace_services.create_api_token(workspace, user, "Script")
    client = Client()

    def call(method: str, path: str, body: dict | None = None):
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
        return client.generic(method, f"/api{path}", headers={"Authorization": f"Bearer {secret}"}, **kwargs)

    return call


def test_create_join_and_read_the_leaderboard(workspace, owner, leader, member):
    as_owner, as_leader, as_member = api(owner, workspace), api(leader, workspace), api(member, workspace)
    today = timezone.now().date()
    response = as_owner("POST", "/challenges", {"name": "Coffee", "starts_on": str(today - timedelta(days=7)),
                                                "ends_on": str(today + timedelta(days=20)), "weekly_target": 1,
                                                "invitee_ids": [leader.pk]})
    assert response.status_code == 201, response.content
    challenge = response.json()
    assert {(p["name"], p["status"]) for p in challenge["participants"]} == {("Olivia Owner", "accepted"),
                                                                             ("Leo Leader", "invited")}
    assert as_member("POST", "/challenges", {"name": "Mine", "starts_on": "2026-01-05",
                                              "ends_on": "2026-02-01"}).status_code == 403
    assert as_member("POST", f"/challenges/{challenge['id']}/join").status_code == 403
    joined = as_leader("POST", f"/challenges/{challenge['id']}/join").json()
    assert {p["status"] for p in joined["participants"]} == {"accepted"}
    bad = as_owner("POST", "/challenges", {"name": "Backwards", "starts_on": "2026-02-05", "ends_on": "2026-02-01"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "ends_on"

    logged(workspace, timezone.now() - timedelta(hours=1), [leader])
    board = as_member("GET", f"/challenges/{challenge['id']}/leaderboard").json()
    assert board["weekly_target"] == 1 and board["pending"] == []
    first = board["rows"][0]
    assert first["name"] == "Leo Leader" and first["this_week"] == 1 and first["target_met"] is True
    assert [c["name"] for c in as_member("GET", "/challenges").json()] == ["Coffee"]


def test_pulse_of_me_and_of_each_leader(workspace, owner, leader, member):
    logged(workspace, timezone.now() - timedelta(days=3), [owner])
    logged(workspace, timezone.now() - timedelta(days=40), [leader])
    call = api(member, workspace)
    me = call("GET", "/pulse/me").json()
    assert me["user_id"] == member.pk and me["days_since_last"] is None and me["insulated"] is True
    leaders = {p["name"]: p for p in call("GET", "/pulse/leaders").json()}
    assert set(leaders) == {"Olivia Owner", "Leo Leader"}  # members are not leaders
    assert leaders["Leo Leader"]["days_since_last"] == 40 and leaders["Leo Leader"]["insulated"]
    one = call("GET", f"/pulse/leaders/{owner.pk}").json()
    assert one["last_7"] == 1
    figure = next(f for f in one["figures"] if f["key"] == "last_30")
    assert figure["team_median"] == 0.5 and figure["better_than_median"] is True
    assert call("GET", f"/pulse/leaders/{member.pk}").status_code == 404


def test_decline_an_invitation(workspace, owner, leader):
    other = add_user(workspace, "x@example.com", "Xena Leader")
    challenge = api(owner, workspace)("POST", "/challenges", {
        "name": "Coffee", "starts_on": str(date(2026, 11, 23)), "ends_on": str(date(2026, 12, 20)),
        "invitee_ids": [leader.pk, other.pk]}).json()
    declined = api(leader, workspace)("POST", f"/challenges/{challenge['id']}/decline").json()
    assert {p["name"]: p["status"] for p in declined["participants"]}["Leo Leader"] == "declined"
