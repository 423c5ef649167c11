"""Challenges, leaderboard and pulse through the JSON API."""

from datetime import date, timedelta

import pytest
from conftest import add_user, logged
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_create_join_and_read_the_leaderboard(api_for, workspace, owner, leader, member):
    as_owner, as_leader, as_member = (api_for(workspace, owner), api_for(workspace, leader),
                                      api_for(workspace, member))
    # A challenge's weeks run from its first day: starting it a week before the coffee's day keeps the coffee (an
    # hour ago) and now in one challenge week, even just after midnight.
    today = (timezone.now() - timedelta(hours=1)).date()
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


def test_pulse_of_me_and_of_each_leader(api_for, workspace, owner, leader, member):
    logged(workspace, timezone.now() - timedelta(days=3), [owner])
    logged(workspace, timezone.now() - timedelta(days=40), [leader])
    call = api_for(workspace, member)
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


def test_decline_an_invitation(api, api_for, workspace, leader):
    other = add_user(workspace, "x@example.com", "Xena Leader")
    challenge = api("POST", "/challenges", {
        "name": "Coffee", "starts_on": str(date(2026, 11, 23)), "ends_on": str(date(2026, 12, 20)),
        "invitee_ids": [leader.pk, other.pk]}).json()
    declined = api_for(workspace, leader)("POST", f"/challenges/{challenge['id']}/decline").json()
    assert {p["name"]: p["status"] for p in declined["participants"]}["Leo Leader"] == "declined"
