"""Evidence strength and assumption confidence on constructed cases (docs/evidence.md)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outsidein.learning.strength import (
    Confidence,
    EvidenceFacts,
    EvidenceRules,
    confidence,
    strength,
)


def ev(direction="supports", behaviour="say", first_hand=True, account=1, segment=1, **kw) -> EvidenceFacts:
    return EvidenceFacts(
        direction=direction,
        behaviour=behaviour,
        first_hand=first_hand,
        account_id=account,
        segment_id=segment,
        **kw,
    )


# --- strength of one piece of evidence ---------------------------------------------


def test_what_people_do_outweighs_what_they_say():
    assert strength(ev(behaviour="do")).value > strength(ev(behaviour="say")).value


def test_first_hand_outweighs_relayed():
    assert strength(ev(first_hand=True)).value > strength(ev(first_hand=False)).value
    assert strength(ev(behaviour="do", first_hand=True)).value > strength(ev(behaviour="do", first_hand=False)).value


def test_documented_strength_table():
    assert strength(ev(behaviour="do", first_hand=True)).value == pytest.approx(1.0)
    assert strength(ev(behaviour="do", first_hand=False)).value == pytest.approx(0.5)
    assert strength(ev(behaviour="say", first_hand=True)).value == pytest.approx(0.4)
    assert strength(ev(behaviour="say", first_hand=False)).value == pytest.approx(0.2)


def test_experiment_result_counts_as_do_even_if_marked_say():
    result = strength(ev(behaviour="say", source_kind="experiment"))
    assert result.value == pytest.approx(1.0)
    assert any("experiment" in reason for reason in result.reasons)


def test_strength_explains_itself():
    reasons = strength(ev(behaviour="say", first_hand=False)).reasons
    assert any("say" in r for r in reasons)
    assert any("relayed" in r for r in reasons)


@pytest.mark.parametrize(
    "field, value",
    [("direction", "maybe"), ("behaviour", "think"), ("source_kind", "rumour")],
)
def test_bad_facts_are_refused_naming_the_field(field, value):
    with pytest.raises(ValueError, match=field):
        ev(**{field: value})


# --- confidence over many pieces ----------------------------------------------------


def test_no_evidence_means_zero_confidence_and_no_suggestion():
    result = confidence([])
    assert result.value == 0
    assert result.suggested_status is None
    assert result.evidence_strength == 0


def test_ten_notes_across_ten_accounts_outweigh_ten_notes_from_one():
    one_account = [ev(account=1) for _ in range(10)]
    ten_accounts = [ev(account=i) for i in range(10)]
    single, broad = confidence(one_account), confidence(ten_accounts)
    assert broad.value > single.value
    assert broad.supports_weight > 4 * single.supports_weight
    assert single.distinct_accounts == 1
    assert broad.distinct_accounts == 10
    # The worked example in docs/evidence.md.
    assert single.value == pytest.approx(0.2855, abs=1e-4)
    assert broad.value == pytest.approx(2 / 3)


def test_one_account_saturates():
    few = confidence([ev(account=1) for _ in range(10)])
    lots = confidence([ev(account=1) for _ in range(200)])
    # However many notes one account gives, it is worth at most twice its strongest note.
    assert lots.supports_weight <= 2 * 0.4
    assert lots.value - few.value < 0.01


def test_several_segments_outweigh_one():
    one_segment = confidence([ev(account=i, segment=1) for i in range(4)])
    four_segments = confidence([ev(account=i, segment=i) for i in range(4)])
    assert four_segments.value > one_segment.value
    assert four_segments.distinct_segments == 4


def test_do_evidence_moves_confidence_more_than_say():
    assert confidence([ev(behaviour="do")]).value > confidence([ev(behaviour="say")]).value


def test_first_hand_moves_confidence_more_than_relayed():
    assert confidence([ev(first_hand=True)]).value > confidence([ev(first_hand=False)]).value


def test_balanced_evidence_gives_zero_and_refuting_majority_goes_negative():
    supports = [ev(account=i, behaviour="do") for i in range(3)]
    refutes = [ev("refutes", account=10 + i, behaviour="do") for i in range(3)]
    assert confidence(supports + refutes).value == pytest.approx(0)
    more_refutes = [*refutes, ev("refutes", account=20, behaviour="do")]
    result = confidence(supports + more_refutes)
    assert result.value < 0
    assert result.refutes_weight > result.supports_weight


def test_refuting_do_evidence_outweighs_supporting_say_evidence():
    supports = [ev(account=i, behaviour="say") for i in range(2)]
    refutes = [ev("refutes", account=5, behaviour="do")]
    assert confidence(supports + refutes).value < 0


def test_confidence_stays_within_minus_one_and_one():
    assert confidence([ev("refutes", behaviour="do", account=i, segment=i) for i in range(50)]).value > -1
    assert confidence([ev(behaviour="do", account=i, segment=i) for i in range(50)]).value < 1


def test_explanation_shows_the_formula_and_the_sources():
    text = "\n".join(confidence([ev(account=1), ev("refutes", account=2)]).explanation)
    assert "confidence = (" in text
    assert "supporting: 1 piece from 1 source" in text
    assert "refuting: 1 piece from" in text


def test_unattributed_evidence_counts_as_one_source_unless_keyed():
    loose = confidence([ev(account=None, behaviour="do", source_kind="experiment") for _ in range(3)])
    keyed = confidence(
        [ev(account=None, behaviour="do", source_kind="experiment", source_key=f"experiment:{i}") for i in range(3)]
    )
    assert keyed.value > loose.value


# --- suggested status ------------------------------------------------------------


def test_three_first_hand_do_pieces_from_three_accounts_suggest_validated():
    result = confidence([ev(behaviour="do", account=i) for i in range(3)])
    assert result.value == pytest.approx(0.6)
    assert result.suggested_status == "validated"


def test_just_below_the_threshold_suggests_nothing():
    result = confidence([ev(behaviour="do", account=i) for i in range(2)] + [ev(account=3)])
    assert result.value < 0.6
    assert result.suggested_status is None


def test_opinions_alone_never_suggest_validated():
    result = confidence([ev(behaviour="say", account=i, segment=i % 3) for i in range(20)])
    assert result.value > 0.6
    assert result.suggested_status is None
    assert any("what people do" in line for line in result.explanation)


def test_one_source_alone_never_suggests_a_status():
    # One account with plenty of do-evidence, plus a lenient threshold so only the source rule binds.
    rules = EvidenceRules(suggest_at=0.3)
    result = confidence([ev(behaviour="do", account=1) for _ in range(5)], rules)
    assert result.value > 0.3
    assert result.suggested_status is None


def test_refutation_by_what_customers_say_suggests_invalidated():
    result = confidence([ev("refutes", behaviour="say", account=i) for i in range(12)])
    assert result.value <= -0.6
    assert result.suggested_status == "invalidated"


def test_refutation_needs_enough_weight():
    result = confidence([ev("refutes", behaviour="say", account=i) for i in range(3)])
    assert result.suggested_status is None


def test_custom_threshold_changes_the_suggestion():
    evidence = [ev(behaviour="do", account=i) for i in range(2)]
    assert confidence(evidence).suggested_status is None
    assert confidence(evidence, EvidenceRules(suggest_at=0.4)).suggested_status == "validated"


def test_as_dict_is_plain_data():
    data = confidence([ev(behaviour="do", account=1)]).as_dict()
    assert set(data) >= {"value", "supports_weight", "refutes_weight", "suggested_status", "explanation"}
    assert isinstance(data["explanation"], list)


def test_bad_rules_are_refused():
    with pytest.raises(ValueError, match="suggest_at"):
        EvidenceRules(suggest_at=1.5)


# --- monotonicity ----------------------------------------------------------------

facts_strategy = st.builds(
    EvidenceFacts,
    direction=st.sampled_from(["supports", "refutes"]),
    behaviour=st.sampled_from(["do", "say"]),
    first_hand=st.booleans(),
    account_id=st.one_of(st.none(), st.integers(0, 5)),
    segment_id=st.one_of(st.none(), st.integers(0, 3)),
    source_kind=st.sampled_from(["highlight", "conversation", "feedback", "experiment"]),
    source_key=st.one_of(st.none(), st.sampled_from(["experiment:1", "experiment:2"])),
)


def _with_direction(facts: EvidenceFacts, direction: str) -> EvidenceFacts:
    return EvidenceFacts(**{**facts.__dict__, "direction": direction})


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts_strategy, max_size=25), facts_strategy)
def test_adding_supporting_evidence_never_lowers_confidence(evidence, extra):
    before = confidence(evidence)
    after = confidence([*evidence, _with_direction(extra, "supports")])
    assert after.value > before.value - 1e-12
    assert after.supports_weight > before.supports_weight


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts_strategy, max_size=25), facts_strategy)
def test_adding_refuting_evidence_never_raises_confidence(evidence, extra):
    before = confidence(evidence)
    after = confidence([*evidence, _with_direction(extra, "refutes")])
    assert after.value < before.value + 1e-12


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts_strategy, max_size=25))
def test_confidence_is_bounded_and_order_free(evidence):
    result = confidence(evidence)
    assert isinstance(result, Confidence)
    assert -1 < result.value < 1
    assert 0 <= result.evidence_strength < 1
    assert confidence(list(reversed(evidence))).value == pytest.approx(result.value)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts_strategy, max_size=25))
def test_mirroring_every_direction_mirrors_confidence(evidence):
    flipped = [_with_direction(e, "refutes" if e.direction == "supports" else "supports") for e in evidence]
    assert confidence(flipped).value == pytest.approx(-confidence(evidence).value)


def _documented_examples():
    """The worked examples table in docs/evidence.md, row by row."""
    say, do = "say", "do"
    return {
        "A": ([ev(account=1) for _ in range(10)], 0.799, 0.0, 0.29, None),
        "B": ([ev(account=i) for i in range(10)], 4.0, 0.0, 0.67, None),
        "C": ([ev(account=i, segment=i % 3) for i in range(10)], 6.0, 0.0, 0.75, None),
        "D": ([ev(behaviour=do, account=i) for i in range(3)], 3.0, 0.0, 0.60, "validated"),
        "E": (
            [
                ev(behaviour=do, account=1, segment=1),
                ev(behaviour=say, account=1, segment=1),
                ev(behaviour=say, first_hand=False, account=2, segment=2),
                ev("refutes", behaviour=do, account=3, segment=1),
            ],
            1.75,
            1.0,
            0.16,
            None,
        ),
        "F": ([ev("refutes", account=i) for i in range(12)], 0.0, 4.8, -0.71, "invalidated"),
        "G": (
            [
                ev(account=None, segment=None, source_kind="experiment", source_key="experiment:7"),
                ev(behaviour=do, account=4, segment=1),
                ev(behaviour=do, first_hand=False, account=5, segment=2),
            ],
            3.125,
            0.0,
            0.61,
            "validated",
        ),
    }


@pytest.mark.parametrize("row", sorted(_documented_examples()))
def test_documented_worked_examples(row):
    evidence, supports, refutes, value, suggested = _documented_examples()[row]
    result = confidence(evidence)
    assert result.supports_weight == pytest.approx(supports, abs=1e-3)
    assert result.refutes_weight == pytest.approx(refutes, abs=1e-3)
    assert result.value == pytest.approx(value, abs=0.005)
    assert result.suggested_status == suggested
