"""Evidence strength and assumption confidence.

Pure decision logic: the learning app fills `EvidenceFacts` from its rows and calls
`strength` and `confidence`. docs/evidence.md states every rule and constant used here
with worked examples; keep the two in step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from outsidein.core.words import counted

Direction = Literal["supports", "refutes"]
Behaviour = Literal["do", "say"]
SuggestedStatus = Literal["validated", "invalidated"]

DIRECTIONS: tuple[Direction, ...] = ("supports", "refutes")
BEHAVIOURS: tuple[Behaviour, ...] = ("do", "say")
# Source kinds the product links as evidence. An experiment result is what people did
# under a test card, so it always counts as "do" whatever the caller says.
SOURCE_KINDS: tuple[str, ...] = ("highlight", "conversation", "feedback", "experiment")
DO_SOURCE_KINDS: frozenset[str] = frozenset({"experiment"})


@dataclass(frozen=True)
class EvidenceRules:
    """The constants of the strength and confidence rules (see docs/evidence.md).

    Defaults are the product's rules; a workspace or a test may pass its own.
    """

    do_weight: float = 1.0
    say_weight: float = 0.4
    relayed_factor: float = 0.5
    # The k-th piece of evidence from one account (strongest first) counts 1/2**(k-1).
    same_source_decay: float = 0.5
    # Each extra distinct segment adds this much, up to `max_extra_segments` of them.
    segment_bonus: float = 0.25
    max_extra_segments: int = 4
    # Weight of evidence that confidence needs before it moves far from 0: a skeptical prior.
    prior_weight: float = 2.0
    suggest_at: float = 0.6
    min_sources_to_suggest: int = 2
    validated_needs_do: bool = True
    invalidated_needs_do: bool = False

    def __post_init__(self) -> None:
        for name in ("do_weight", "say_weight", "relayed_factor"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValueError(f"{name} must be in (0, 1], got {value}")
        if not 0 < self.same_source_decay < 1:
            raise ValueError(f"same_source_decay must be in (0, 1), got {self.same_source_decay}")
        if self.segment_bonus < 0 or self.max_extra_segments < 0:
            raise ValueError("segment_bonus and max_extra_segments must not be negative")
        if self.prior_weight <= 0:
            raise ValueError(f"prior_weight must be positive, got {self.prior_weight}")
        if not 0 < self.suggest_at < 1:
            raise ValueError(f"suggest_at must be in (0, 1), got {self.suggest_at}")
        if self.min_sources_to_suggest < 1:
            raise ValueError("min_sources_to_suggest must be at least 1")


DEFAULT_RULES = EvidenceRules()


@dataclass(frozen=True)
class EvidenceFacts:
    """What the rules need to know about one piece of evidence on an assumption.

    behaviour: "do" for observed behaviour, usage, purchases and experiment results;
    "say" for quotes and opinions. first_hand: the person who recorded it was there.
    source_key: groups evidence that has no account but comes from one independent source
    (e.g. "experiment:12"); evidence with neither an account nor a source key is
    treated as a single source together.
    """

    direction: Direction
    behaviour: Behaviour
    first_hand: bool
    account_id: int | None = None
    segment_id: int | None = None
    source_kind: str = "highlight"
    source_key: str | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {self.direction!r}")
        if self.behaviour not in BEHAVIOURS:
            raise ValueError(f"behaviour must be one of {', '.join(BEHAVIOURS)}, got {self.behaviour!r}")
        if self.source_kind not in SOURCE_KINDS:
            raise ValueError(f"source_kind must be one of {', '.join(SOURCE_KINDS)}, got {self.source_kind!r}")

    @property
    def counts_as_do(self) -> bool:
        return self.behaviour == "do" or self.source_kind in DO_SOURCE_KINDS

    @property
    def source(self) -> Hashable:
        """The independent source this evidence comes from, for diminishing returns."""
        if self.account_id is not None:
            return ("account", self.account_id)
        if self.source_key is not None:
            return ("source", self.source_key)
        return ("unattributed",)


@dataclass(frozen=True)
class StrengthExplained:
    value: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Confidence:
    """Confidence in an assumption, from -1 (surely false) through 0 (unknown) to +1 (surely true)."""

    value: float
    supports_weight: float
    refutes_weight: float
    distinct_accounts: int
    distinct_segments: int
    explanation: list[str]
    suggested_status: SuggestedStatus | None
    prior_weight: float = DEFAULT_RULES.prior_weight

    @property
    def evidence_strength(self) -> float:
        """How much evidence there is at all, in [0, 1): the assumption map's horizontal axis."""
        total = self.supports_weight + self.refutes_weight
        return total / (total + self.prior_weight)

    def as_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "supports_weight": self.supports_weight,
            "refutes_weight": self.refutes_weight,
            "distinct_accounts": self.distinct_accounts,
            "distinct_segments": self.distinct_segments,
            "evidence_strength": self.evidence_strength,
            "explanation": list(self.explanation),
            "suggested_status": self.suggested_status,
        }


def strength(facts: EvidenceFacts, rules: EvidenceRules = DEFAULT_RULES) -> StrengthExplained:
    """Strength of one piece of evidence in (0, 1]: behaviour weight times hand factor."""
    reasons: list[str] = []
    if facts.counts_as_do:
        value = rules.do_weight
        if facts.source_kind in DO_SOURCE_KINDS and facts.behaviour != "do":
            reasons.append(f"an experiment result counts as what people do ({rules.do_weight:g})")
        else:
            reasons.append(f"what people do ({rules.do_weight:g})")
    else:
        value = rules.say_weight
        reasons.append(f"what people say ({rules.say_weight:g})")
    if facts.first_hand:
        reasons.append("first-hand (x1)")
    else:
        value *= rules.relayed_factor
        reasons.append(f"relayed by someone else (x{rules.relayed_factor:g})")
    return StrengthExplained(value=value, reasons=reasons)


@dataclass
class _DirectionTally:
    weight: float = 0.0
    sources: int = 0
    accounts: set[int] = field(default_factory=set)
    segments: set[int] = field(default_factory=set)
    do_count: int = 0
    items: int = 0


def _tally(evidence: Sequence[EvidenceFacts], rules: EvidenceRules) -> _DirectionTally:
    by_source: dict[Hashable, list[float]] = defaultdict(list)
    tally = _DirectionTally()
    for facts in evidence:
        by_source[facts.source].append(strength(facts, rules).value)
        if facts.account_id is not None:
            tally.accounts.add(facts.account_id)
        if facts.segment_id is not None:
            tally.segments.add(facts.segment_id)
        tally.do_count += facts.counts_as_do
        tally.items += 1
    raw = 0.0
    for strengths in by_source.values():
        # Strongest first, so a weak note added to a source never pushes a strong one down
        # enough to lower the source's total (see the monotonicity proof in docs/evidence.md).
        for k, value in enumerate(sorted(strengths, reverse=True)):
            raw += value * rules.same_source_decay**k
    extra_segments = min(max(len(tally.segments) - 1, 0), rules.max_extra_segments)
    tally.weight = raw * (1 + rules.segment_bonus * extra_segments)
    tally.sources = len(by_source)
    return tally


def _suggestion(
    value: float, tally: _DirectionTally, direction: Direction, rules: EvidenceRules
) -> tuple[SuggestedStatus | None, str]:
    status: SuggestedStatus = "validated" if direction == "supports" else "invalidated"
    needs_do = rules.validated_needs_do if direction == "supports" else rules.invalidated_needs_do
    if abs(value) < rules.suggest_at:
        return None, f"no suggestion: |confidence| {abs(value):.2f} is below {rules.suggest_at:g}"
    if tally.sources < rules.min_sources_to_suggest:
        side = "supporting" if direction == "supports" else "refuting"
        return None, (
            f"no suggestion: the {side} evidence comes from "
            f"{counted(tally.sources, 'source')}, {rules.min_sources_to_suggest} needed"
        )
    if needs_do and tally.do_count == 0:
        return None, (
            f"no suggestion: {status} needs at least one piece of evidence of what people do, not only what they say"
        )
    return status, f"suggested status: {status} (a person confirms it)"


def confidence(evidence: Sequence[EvidenceFacts], rules: EvidenceRules = DEFAULT_RULES) -> Confidence:
    """Confidence in an assumption from all its evidence, with the reasons and a suggested status.

    value = (S - R) / (S + R + prior_weight), where S and R are the supporting and refuting
    weights: per direction, evidence is grouped by source (account), the k-th strongest item of a
    source counts strength * decay**(k-1), and the sum is multiplied by a breadth factor for
    the number of distinct segments.
    """
    supporting = [e for e in evidence if e.direction == "supports"]
    refuting = [e for e in evidence if e.direction == "refutes"]
    s, r = _tally(supporting, rules), _tally(refuting, rules)
    value = (s.weight - r.weight) / (s.weight + r.weight + rules.prior_weight)
    accounts = s.accounts | r.accounts
    segments = s.segments | r.segments

    explanation: list[str] = []
    for name, tally in (("supporting", s), ("refuting", r)):
        if tally.items == 0:
            explanation.append(f"no {name} evidence")
            continue
        explanation.append(
            f"{name}: {counted(tally.items, 'piece')} from {counted(tally.sources, 'source')} and "
            f"{counted(len(tally.segments), 'segment')}, {tally.do_count} of what people do; weight {tally.weight:.2f}"
        )
    explanation.append(
        f"confidence = ({s.weight:.2f} - {r.weight:.2f}) / ({s.weight:.2f} + {r.weight:.2f} + "
        f"{rules.prior_weight:g}) = {value:+.2f}"
    )
    suggested: SuggestedStatus | None = None
    if value > 0:
        suggested, why = _suggestion(value, s, "supports", rules)
        explanation.append(why)
    elif value < 0:
        suggested, why = _suggestion(value, r, "refutes", rules)
        explanation.append(why)
    else:
        explanation.append("no suggestion: the evidence is balanced or absent")
    return Confidence(
        value=value,
        supports_weight=s.weight,
        refutes_weight=r.weight,
        distinct_accounts=len(accounts),
        distinct_segments=len(segments),
        explanation=explanation,
        suggested_status=suggested,
        prior_weight=rules.prior_weight,
    )
