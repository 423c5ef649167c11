"""A pilot whose metric is NPS or CSAT read from the feedback of its accounts: each response in a window is
one observation, the difference-in-differences agrees with statsmodels, and the page says which metric."""

import html
import re
from datetime import date, datetime, time

import factories
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outsidein.feedback.models import FeedbackItem
from outsidein.initiatives import selectors, services


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def accounts(workspace):
    return factories.accounts(workspace, 10, segment=factories.segment(workspace, "Retail"))


def make_pilot(workspace, owner, accounts, metric_kind: str):
    initiative = services.save_initiative(workspace, owner, {"name": "Proactive delay calls",
                                                           "pain_statement": "Shippers hear of delays too late"})
    pilot = services.save_pilot(initiative, owner, {
        "name": "Delay calls", "change": "Call before the shipper notices", "metric_kind": metric_kind,
        "metric_name": metric_kind.upper(), "baseline_start": date(2026, 1, 1), "baseline_end": date(2026, 3, 31),
        "pilot_start": date(2026, 4, 1), "pilot_end": date(2026, 6, 30)}, pilot_accounts=accounts[:5])
    services.choose_control_group(pilot, owner, accounts[5:])
    return pilot


def constructed_feedback(workspace, accounts, rng) -> list[FeedbackItem]:
    """Several responses per account and window, pilot accounts happier after the change; some noise rows."""
    items = []
    for index, account in enumerate(accounts):
        for day, lift in ((date(2026, 2, 10), 0), (date(2026, 5, 10), 2 if index < 5 else 0)):
            for _ in range(int(rng.integers(2, 6))):
                score = int(np.clip(rng.integers(4, 10) + lift, 0, 10))
                items.append(FeedbackItem(workspace=workspace, account=account, received_at=at(day), nps=score,
                                          csat=int(np.clip(score // 2, 1, 5)), text="x"))
    # Outside both windows, without a score, or from an account in neither group: not observations.
    items.append(FeedbackItem(workspace=workspace, account=accounts[0], received_at=at(date(2025, 12, 31)), nps=0))
    items.append(FeedbackItem(workspace=workspace, account=accounts[0], received_at=at(date(2026, 5, 1)),
                              text="no score"))
    return FeedbackItem.objects.bulk_create(items)


def code(metric: str, item: FeedbackItem) -> float:
    if metric == "nps":
        return 100.0 if item.nps >= 9 else 0.0 if item.nps >= 7 else -100.0
    return 100.0 if item.csat >= 4 else 0.0


@pytest.mark.parametrize("metric", ["nps", "csat"])
def test_the_effect_from_feedback_equals_statsmodels_ols_with_interaction(workspace, owner, accounts, metric):
    pilot = make_pilot(workspace, owner, accounts, metric)
    items = constructed_feedback(workspace, accounts, np.random.default_rng(11))
    stranger = factories.account(workspace, "Not in the pilot")
    factories.feedback_item(workspace, account=stranger, received_at=at(date(2026, 5, 2)), nps=0, csat=1)

    result = services.compute_result(pilot)

    pilot_ids = {a.pk for a in accounts[:5]}
    rows = [{"account_id": i.account_id, "value": code(metric, i),
             "treated": int(i.account_id in pilot_ids), "post": int(i.received_at.month >= 4)}
            for i in items if i.text == "x"]
    frame = pd.DataFrame(rows)
    fit = smf.ols("value ~ treated + post + treated:post", data=frame).fit(
        cov_type="cluster", cov_kwds={"groups": frame["account_id"]}, use_t=True)
    assert sum(cell.responses for cell in result.cells) == len(rows)
    assert result.effect == pytest.approx(fit.params["treated:post"], abs=1e-9)
    assert result.std_error == pytest.approx(fit.bse["treated:post"], abs=1e-9)
    assert result.p_value == pytest.approx(fit.pvalues["treated:post"], abs=1e-9)
    low, high = fit.conf_int().loc["treated:post"]
    assert (result.ci_low, result.ci_high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))


def test_the_windows_include_their_last_day_and_exclude_the_day_after(workspace, owner, accounts):
    pilot = make_pilot(workspace, owner, accounts, "nps")
    FeedbackItem.objects.bulk_create([
        FeedbackItem(workspace=workspace, account=accounts[0], received_at=at(date(2026, 3, 31), 23), nps=10),
        FeedbackItem(workspace=workspace, account=accounts[0], received_at=at(date(2026, 7, 1), 0), nps=10),
    ])
    assert [(o["period"], o["value"]) for o in selectors.feedback_observations(pilot)] == [("baseline", 100.0)]


def test_values_are_not_entered_by_hand_for_a_feedback_metric(workspace, owner, accounts):
    pilot = make_pilot(workspace, owner, accounts, "csat")
    with pytest.raises(ValidationError, match="from feedback"):
        services.record_measurements(pilot, owner, [{"account": accounts[0], "period": "baseline", "value": 1}])


def test_the_pilot_page_says_the_metric_comes_from_feedback(owner_client, workspace, owner, accounts):
    pilot = make_pilot(workspace, owner, accounts, "nps")
    constructed_feedback(workspace, accounts, np.random.default_rng(3))
    owner_client.post(reverse("pilot-result", kwargs={"ws": workspace.slug, "pilot_id": pilot.pk}))
    body = re.sub(r"<[^>]+>", " ", owner_client.get(pilot.get_absolute_url()).content.decode())
    page = " ".join(html.unescape(body).split())
    assert "Read from feedback: NPS from feedback (points, −100 to 100)" in page
    observations = selectors.feedback_observations(pilot)
    pilot_baseline = sum(1 for o in observations if o["group"] == "pilot" and o["period"] == "baseline")
    pilot_window = sum(1 for o in observations if o["group"] == "pilot" and o["period"] == "pilot")
    assert f"pilot {pilot_baseline} {pilot_window}" in page
    pilot.refresh_from_db()
    assert pilot.result is not None
