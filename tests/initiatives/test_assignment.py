"""Stratified random control groups: reproducible for a seed, balanced by segment and size."""

import random

import pytest

from outsidein.initiatives.assignment import (
    CandidateAccount,
    assign_strata,
    select_control_group,
    split_pilot_and_control,
)


def portfolio(n_per_segment: int = 30, segments=("Retail", "Health", "Public")) -> list[CandidateAccount]:
    rng = random.Random(42)
    accounts = []
    for s, segment in enumerate(segments):
        for i in range(n_per_segment):
            accounts.append(CandidateAccount(id=s * 1000 + i, segment=segment, revenue=rng.lognormvariate(11, 1)))
    return accounts


def test_revenue_tertiles_are_computed_within_each_segment():
    accounts = [CandidateAccount(i, "Small firms", revenue=i) for i in range(9)]
    accounts += [CandidateAccount(100 + i, "Enterprise", revenue=1_000_000 * (i + 1)) for i in range(9)]
    strata = assign_strata(accounts)
    assert [strata[i].band for i in range(9)] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    # The smallest enterprise account is small among enterprises, not large among everyone.
    assert strata[100].band == 0
    assert strata[100].label == "Enterprise, small"


def test_equal_revenue_shares_a_band_and_unknown_revenue_has_its_own():
    accounts = [CandidateAccount(i, "A", revenue=10) for i in range(4)] + [CandidateAccount(9, "A", None)]
    strata = assign_strata(accounts)
    assert len({strata[i] for i in range(4)}) == 1
    assert strata[9].label == "A, revenue unknown"


def test_control_group_matches_pilot_count_in_every_stratum():
    accounts = portfolio()
    strata = assign_strata(accounts)
    pilot_ids = [0, 1, 2, 1000, 1001, 2005]
    result = select_control_group(accounts, pilot_ids, seed=7)
    assert result.unmatched == []
    assert len(result.control_ids) == len(pilot_ids)
    assert not set(result.control_ids) & set(pilot_ids)
    pilot_strata = sorted(strata[i] for i in pilot_ids)
    control_strata = sorted(strata[i] for i in result.control_ids)
    assert pilot_strata == control_strata


def test_control_group_is_reproducible_for_a_seed_and_independent_of_input_order():
    accounts = portfolio()
    pilot_ids = [3, 4, 1003, 2003]
    first = select_control_group(accounts, pilot_ids, seed=123)
    shuffled = accounts[:]
    random.Random(1).shuffle(shuffled)
    again = select_control_group(shuffled, list(reversed(pilot_ids)), seed=123)
    assert first.control_ids == again.control_ids
    others = {tuple(select_control_group(accounts, pilot_ids, seed=s).control_ids) for s in range(10)}
    assert len(others) > 1


def test_strata_that_cannot_be_matched_are_reported():
    accounts = [
        CandidateAccount(1, "Niche", 100),
        CandidateAccount(2, "Niche", 100),
        CandidateAccount(3, "Niche", 100),
        CandidateAccount(4, "Broad", 10),
        CandidateAccount(5, "Broad", 10),
    ]
    result = select_control_group(accounts, [1, 2, 4], seed=1, size_bands=1)
    assert [s.stratum.label for s in result.unmatched] == ["Niche, revenue band 1 of 1"]
    assert result.unmatched[0].shortfall == 1
    assert result.unmatched[0].control_ids == [3]
    assert result.as_dict()["unmatched"] == ["Niche, revenue band 1 of 1"]


def test_unknown_pilot_account_is_named():
    with pytest.raises(ValueError, match="pilot account\\(s\\) 99 are not among the candidates"):
        select_control_group(portfolio(), [99], seed=1)


def test_duplicate_candidate_is_named():
    accounts = [CandidateAccount(1, "A", 1), CandidateAccount(1, "A", 2)]
    with pytest.raises(ValueError, match="account 1 is listed twice"):
        assign_strata(accounts)


def test_split_is_balanced_in_every_stratum():
    accounts = portfolio(n_per_segment=31)
    result = split_pilot_and_control(accounts, seed=5)
    assert sorted(result.pilot_ids + result.control_ids) == sorted(a.id for a in accounts)
    assert abs(len(result.pilot_ids) - len(result.control_ids)) <= 1
    for stratum in result.strata:
        assert abs(len(stratum.pilot_ids) - len(stratum.control_ids)) <= 1
    assert result.unmatched == []


def test_split_balances_revenue_and_segments():
    accounts = portfolio(n_per_segment=60)
    revenue = {a.id: a.revenue for a in accounts}
    segment = {a.id: a.segment for a in accounts}
    result = split_pilot_and_control(accounts, seed=11)
    for name in ("Retail", "Health", "Public"):
        assert sum(segment[i] == name for i in result.pilot_ids) == sum(segment[i] == name for i in result.control_ids)
    pilot_median = sorted(revenue[i] for i in result.pilot_ids)[len(result.pilot_ids) // 2]
    control_median = sorted(revenue[i] for i in result.control_ids)[len(result.control_ids) // 2]
    assert 0.67 < pilot_median / control_median < 1.5


def test_split_respects_the_pilot_share():
    accounts = portfolio(n_per_segment=20)
    result = split_pilot_and_control(accounts, seed=3, pilot_share=0.25)
    assert len(result.pilot_ids) == 15
    for stratum in result.strata:
        size = len(stratum.pilot_ids) + len(stratum.control_ids)
        assert abs(len(stratum.pilot_ids) - size * 0.25) < 1


def test_split_is_reproducible_for_a_seed():
    accounts = portfolio()
    first = split_pilot_and_control(accounts, seed=99)
    second = split_pilot_and_control(list(reversed(accounts)), seed=99)
    assert first.pilot_ids == second.pilot_ids
    assert first.control_ids == second.control_ids
    assert split_pilot_and_control(accounts, seed=100).pilot_ids != first.pilot_ids
