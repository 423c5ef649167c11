"""The pilot verdict a sponsor reads: one plain sentence per case (worked, got worse, promising but underpowered,
no effect detectable, not enough data), computed from seeded measurements through the real pilot computation,
shown first on the pilot's page and returned by the API."""

import html
import re
from datetime import date

import factories
import numpy as np
import pytest

from outsidein.initiatives import services
from outsidein.initiatives.models import Pilot
from outsidein.initiatives.pilot_verdict import verdict_for


def text_of(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(body).split())


@pytest.fixture
def make_pilot(workspace, owner):
    """A pilot of `per_group` pilot and as many control accounts, `values` measurements per account and window:
    a common level per account, the pilot accounts moved by `lift` in the pilot window, noise of SD `noise`."""
    segment = factories.segment(workspace, "Retail")
    initiative = services.save_initiative(workspace, owner, {"name": "Delay calls",
                                                           "pain_statement": "Shippers hear of delays too late"})

    def make(per_group: int, lift: float, *, expected: float | None, noise: float = 1.0, values: int = 2,
             seed: int = 7, metric: str = "On-time deliveries a week") -> Pilot:
        accounts = factories.accounts(workspace, [f"Account {i:03d}" for i in range(2 * per_group)],
                                      segment=segment)
        pilot = services.save_pilot(initiative, owner, {
            "name": f"Delay calls {seed}", "change": "Call before the shipper notices", "metric_name": metric,
            "baseline_start": date(2026, 1, 1), "baseline_end": date(2026, 3, 31), "pilot_start": date(2026, 4, 1),
            "pilot_end": date(2026, 6, 30), "expected_effect": expected}, pilot_accounts=accounts[:per_group])
        services.choose_control_group(pilot, owner, accounts[per_group:])
        rng = np.random.default_rng(seed)
        rows = []
        for index, account in enumerate(accounts):
            level = 20 + rng.normal()
            for period in ("baseline", "pilot"):
                moved = lift if index < per_group and period == "pilot" else 0.0
                rows += [{"account": account.pk, "period": period, "value": level + moved + noise * rng.normal()}
                         for _ in range(values)]
        services.record_measurements(pilot, owner, rows)
        services.compute_result(pilot)
        pilot.refresh_from_db()
        return pilot

    return make


def shows_verdict_first(client, pilot: Pilot, sentence: str) -> str:
    """The page puts the verdict right under the title, above the charts, and folds the technical table."""
    response = client.get(pilot.get_absolute_url())
    assert response.status_code == 200
    page = text_of(response)
    assert sentence in page
    assert page.index(pilot.name) < page.index(sentence) < page.index("Decision") < page.index("Technical details")
    assert re.search(r'<details id="result" class="technical">', response.content.decode())
    return page


def test_a_clear_improvement_worked_and_says_what_significant_beside_too_small_means(make_pilot, owner_client):
    # Hoped for +0.2, which groups of 12 cannot count on detecting; the pilot lifted the metric by 3 anyway.
    pilot = make_pilot(12, 3.0, expected=0.2)
    verdict = verdict_for(pilot)
    result = pilot.result

    assert result["ci_low"] > 0 and any("too small to detect" in w for w in result["warnings"])
    assert verdict.kind == "worked" and verdict.decision == "scale"
    assert verdict.sentence.startswith(
        f"The pilot worked: on-time deliveries a week went up by {result['effect']:.2f} more for the pilot "
        "accounts than for the control group (95% interval: up ")
    assert "Both hold: small groups can easily miss an effect, and this one showed anyway." in verdict.note
    page = shows_verdict_first(owner_client, pilot, verdict.sentence)
    assert "Worked" in page and "Suggested: Scale:" in page
    # The "too small" warning is printed only with what it means beside the clear result.
    assert "Read together: The groups were too small to count on detecting the hoped-for +0.20" in page
    assert " significant" not in page


def test_a_clear_change_the_wrong_way_got_worse(make_pilot, owner_client):
    pilot = make_pilot(12, -3.0, expected=1.0)
    verdict = verdict_for(pilot)

    assert pilot.result["ci_high"] < 0
    assert verdict.kind == "worse" and verdict.decision == "stop"
    assert verdict.sentence.startswith("The pilot made things worse: on-time deliveries a week went down by ")
    assert verdict.sentence.endswith(", against the hoped-for +1.00.")
    page = shows_verdict_first(owner_client, pilot, verdict.sentence)
    assert "Got worse" in page and "Suggested: Stop:" in page


def test_lower_is_better_when_the_hoped_for_change_is_negative(make_pilot, owner_client):
    pilot = make_pilot(12, -3.0, expected=-1.0, metric="Escalations a week")
    verdict = verdict_for(pilot)

    assert verdict.kind == "worked"
    assert verdict.sentence.startswith("The pilot worked: escalations a week went down by ")
    page = shows_verdict_first(owner_client, pilot, verdict.sentence)
    assert "lower is better" in page


def test_a_small_pilot_moving_the_right_way_is_promising_and_says_how_many_accounts_to_add(make_pilot,
                                                                                        owner_client):
    pilot = make_pilot(6, 0.6, expected=1.0, noise=2.0, seed=3)
    verdict = verdict_for(pilot)
    result = pilot.result

    assert result["ci_low"] < 0 < result["effect"] and result["minimum_detectable_effect"] > 1.0
    assert verdict.kind == "promising" and verdict.decision == "iterate"
    more = verdict.more_pilot_accounts
    assert more is not None and more > 0 and verdict.more_control_accounts == more
    assert verdict.sentence.startswith("Promising, but the groups are too small to be sure: on-time deliveries a "
                                       "week went up by ")
    assert verdict.sentence.endswith(f"to detect the hoped-for +1.00 reliably, add about {more} accounts to each "
                                     f"group ({2 * more} in all).")
    page = shows_verdict_first(owner_client, pilot, verdict.sentence)
    assert "Promising, groups too small" in page and "Suggested: Iterate:" in page


def test_the_accounts_to_add_would_detect_the_hoped_for_effect(make_pilot):
    """Grown by the number the verdict names, groups like these detect the hoped-for effect as often as aimed."""
    small = make_pilot(6, 0.6, expected=1.0, noise=2.0, seed=3)
    more = verdict_for(small).more_pilot_accounts
    grown = make_pilot(6 + more, 0.6, expected=1.0, noise=2.0, seed=3)
    shy = make_pilot(6 + more // 2, 0.6, expected=1.0, noise=2.0, seed=3)

    def mde(pilot: Pilot) -> float:
        return pilot.result["minimum_detectable_effect"]

    assert mde(small) > mde(shy) > 1.0 >= mde(grown) * 0.9


def test_a_large_pilot_with_nothing_to_show_finds_no_effect_and_bounds_it(make_pilot, owner_client):
    pilot = make_pilot(40, 0.0, expected=1.0, values=3, seed=5)
    verdict = verdict_for(pilot)
    result = pilot.result

    assert result["ci_low"] < 0 < result["ci_high"] and result["minimum_detectable_effect"] < 1.0
    assert verdict.kind == "no_effect" and verdict.decision == "stop"
    bound = f"{result['ci_high']:.2f}"
    assert verdict.sentence.startswith("No effect detectable: the groups were large enough to detect the hoped-for "
                                       "+1.00, but on-time deliveries a week went ")
    assert verdict.sentence.endswith(f"any real improvement is at most {bound}.")
    page = shows_verdict_first(owner_client, pilot, verdict.sentence)
    assert "No effect detectable" in page


def test_three_accounts_a_group_is_not_enough_data_yet(make_pilot, owner_client):
    pilot = make_pilot(3, 3.0, expected=1.0)
    verdict = verdict_for(pilot)

    assert verdict.kind == "not_enough_data" and verdict.decision == ""
    assert verdict.sentence == (
        "Not enough data yet: the pilot group has only 3 accounts and the control group has only 3 accounts, and a "
        "result needs at least 5 accounts and 10 values in each group and window before it can be trusted.")
    assert verdict.note.startswith("So far on-time deliveries a week went up by ")
    page = shows_verdict_first(owner_client, pilot, verdict.sentence)
    assert "Not enough data yet" in page and "No decision yet" in page


def test_before_computing_the_page_says_there_is_no_result_yet(make_pilot, owner_client):
    pilot = make_pilot(6, 1.0, expected=1.0)
    Pilot.objects.filter(pk=pilot.pk).update(result=None, computed_at=None)
    pilot.refresh_from_db()

    sentence = ("Not enough data yet: no result has been computed. Enter values for both groups in both windows, "
                "then compute the effect.")
    assert verdict_for(pilot).sentence == sentence
    page = shows_verdict_first(owner_client, pilot, sentence)
    assert "Compute the effect" in page


def test_the_page_draws_pilot_against_control_and_the_interval_against_zero(make_pilot, owner_client):
    pilot = make_pilot(12, 3.0, expected=1.0)
    content = owner_client.get(pilot.get_absolute_url()).content.decode()

    groups = re.search(r'<figure class="chart" id="groups-chart">(.*?)</figure>', content, re.S).group(1)
    assert "Pilot group (12 accounts)" in groups and "Control group (12 accounts)" in groups
    assert "before" in groups and "during" in groups and "Pilot, moved like control" in groups
    assert f"effect +{pilot.result['effect']:.2f}" in groups
    effect = re.search(r'<figure class="chart" id="effect-chart">(.*?)</figure>', content, re.S).group(1)
    assert "no change" in effect and "hoped for +1.00" in effect and "better →" in effect


def test_the_api_gives_the_verdict_with_the_pilot_and_the_computed_result(make_pilot, api):
    pilot = make_pilot(12, 3.0, expected=1.0)
    read = api("GET", f"/pilots/{pilot.pk}").json()
    assert read["verdict"] == "worked" and read["verdict_text"] == verdict_for(pilot).sentence
    assert read["suggested_decision"] == "scale" and read["result"]["effect"] == pilot.result["effect"]

    computed = api("POST", f"/pilots/{pilot.pk}/result").json()
    assert computed["verdict"] == "worked" and computed["verdict_text"].startswith("The pilot worked: ")
    assert computed["p_value"] == pytest.approx(pilot.result["p_value"])
