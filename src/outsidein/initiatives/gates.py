"""Stage gates: the five stages of an initiative and the evidence each needs before it is left.

Criteria are small typed rules with parameters, stored as JSON so a workspace can edit the
thresholds. The initiatives app counts the evidence into `InitiativeFacts`; `check_exit`
says which criteria are met and why. Moving on with unmet criteria is the caller's
decision (an override with a reason); this module only judges.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from outsidein.core.words import counted


@dataclass(frozen=True)
class Stage:
    key: str
    label: str


STAGES: tuple[Stage, ...] = (
    Stage("pain", "Nail the pain"),
    Stage("solution", "Nail the solution"),
    Stage("go_to_market", "Nail the go-to-market"),
    Stage("business_model", "Nail the business model"),
    Stage("scale", "Scale"),
)
STAGE_KEYS: tuple[str, ...] = tuple(s.key for s in STAGES)
ASSUMPTION_TYPES: tuple[str, ...] = ("desirability", "feasibility", "viability")


def stage_index(stage: str) -> int:
    try:
        return STAGE_KEYS.index(stage)
    except ValueError:
        raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(STAGE_KEYS)}") from None


def stage_label(stage: str) -> str:
    return STAGES[stage_index(stage)].label


def next_stage(stage: str) -> str | None:
    index = stage_index(stage)
    return STAGE_KEYS[index + 1] if index + 1 < len(STAGE_KEYS) else None


@dataclass(frozen=True)
class InitiativeFacts:
    """Counts of an initiative's evidence, filled by the initiatives app from the database.

    pain_conversations_by_segment: per segment (name or id), the first-hand conversations in
    which customers described the initiative's pain.
    validated_assumptions_by_type: validated assumptions per type (desirability, feasibility,
    viability). validated_assumptions_by_topic: the same per business-model topic (usage,
    revenue, cost, ...).
    """

    pain_conversations_by_segment: Mapping[Any, int] = field(default_factory=dict)
    validated_assumptions_by_type: Mapping[str, int] = field(default_factory=dict)
    validated_assumptions_by_topic: Mapping[str, int] = field(default_factory=dict)
    first_hand_conversations: int = 0
    prototype_reactions: int = 0
    do_evidence: int = 0
    priced_tests: int = 0
    buying_committee_mapped: bool = False
    completed_experiments: int = 0
    finished_pilots: int = 0


# The facts each rule kind may read, with the words used in explanations (one, many).
COUNT_FACTS: dict[str, tuple[str, str]] = {
    "first_hand_conversations": ("first-hand conversation", "first-hand conversations"),
    "prototype_reactions": ("reaction to a prototype", "reactions to a prototype"),
    "do_evidence": ("piece of evidence of what customers do", "pieces of evidence of what customers do"),
    "priced_tests": ("test with real prices", "tests with real prices"),
    "completed_experiments": ("completed experiment", "completed experiments"),
    "finished_pilots": ("finished pilot", "finished pilots"),
}
SEGMENT_FACTS: dict[str, str] = {
    "pain_conversations_by_segment": "first-hand conversations in which customers described the pain",
}
FLAG_FACTS: dict[str, tuple[str, str]] = {
    # (what is checked, what to call it when it is done)
    "buying_committee_mapped": ("buying-committee map", "The buying committee is mapped"),
}


@dataclass(frozen=True)
class CriterionResult:
    name: str
    label: str
    met: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def _check_count(name: str, value: object, least: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"{name} must be a whole number of at least {least}, got {value!r}")


def _check_fact(fact: str, allowed: Mapping[str, object], kind: str) -> None:
    if fact not in allowed:
        raise ValueError(f"{kind}: unknown fact {fact!r}; one of {', '.join(allowed)}")


# Every rule has a stable `name` (what a workspace edits and the log refers to) and an optional
# `label`; without one, the title is written from the parameters, so an edited threshold
# never leaves a stale sentence behind.


@dataclass(frozen=True)
class AtLeast:
    """A count of evidence reaches a minimum."""

    kind: ClassVar[str] = "at_least"
    name: str
    fact: str
    minimum: int = 1
    label: str = ""

    def __post_init__(self) -> None:
        _check_fact(self.fact, COUNT_FACTS, self.kind)
        _check_count("minimum", self.minimum)

    @property
    def title(self) -> str:
        return self.label or f"At least {counted(self.minimum, *COUNT_FACTS[self.fact])}"

    def check(self, facts: InitiativeFacts) -> CriterionResult:
        count = getattr(facts, self.fact)
        detail = f"{COUNT_FACTS[self.fact][1]}: {count}, at least {self.minimum} needed"
        return CriterionResult(self.name, self.title, count >= self.minimum, detail)


@dataclass(frozen=True)
class SegmentsCovered:
    """Enough segments each have enough of some evidence."""

    kind: ClassVar[str] = "segments_covered"
    name: str
    fact: str = "pain_conversations_by_segment"
    min_segments: int = 2
    min_per_segment: int = 1
    label: str = ""

    def __post_init__(self) -> None:
        _check_fact(self.fact, SEGMENT_FACTS, self.kind)
        _check_count("min_segments", self.min_segments)
        _check_count("min_per_segment", self.min_per_segment, least=1)

    @property
    def title(self) -> str:
        each = "" if self.min_per_segment == 1 else f", at least {self.min_per_segment} in each"
        segments = "segment" if self.min_segments == 1 else "segments"
        return self.label or (
            f"{SEGMENT_FACTS[self.fact][0].upper()}{SEGMENT_FACTS[self.fact][1:]} "
            f"in at least {self.min_segments} {segments}{each}"
        )

    def check(self, facts: InitiativeFacts) -> CriterionResult:
        counts = {str(segment): n for segment, n in getattr(facts, self.fact).items()}
        covered = sorted(s for s, n in counts.items() if n >= self.min_per_segment)
        listed = ", ".join(f"{s} ({counts[s]})" for s in covered) or "none"
        detail = f"segments with at least {self.min_per_segment}: {len(covered)} [{listed}], {self.min_segments} needed"
        return CriterionResult(self.name, self.title, len(covered) >= self.min_segments, detail)


@dataclass(frozen=True)
class ValidatedAssumptions:
    """Enough assumptions of one type (or business-model topic) are validated."""

    kind: ClassVar[str] = "validated_assumptions"
    name: str
    by: Literal["type", "topic"]
    key: str
    minimum: int = 1
    label: str = ""

    def __post_init__(self) -> None:
        if self.by not in ("type", "topic"):
            raise ValueError(f"{self.kind}: 'by' must be 'type' or 'topic', got {self.by!r}")
        if not self.key:
            raise ValueError(f"{self.kind}: key must not be empty")
        if self.by == "type" and self.key not in ASSUMPTION_TYPES:
            raise ValueError(
                f"{self.kind}: assumption type must be one of {', '.join(ASSUMPTION_TYPES)}, got {self.key!r}"
            )
        _check_count("minimum", self.minimum)

    @property
    def title(self) -> str:
        words = (f"validated {self.key} assumption", f"validated {self.key} assumptions")
        return self.label or f"At least {counted(self.minimum, *words)}"

    def check(self, facts: InitiativeFacts) -> CriterionResult:
        table = facts.validated_assumptions_by_type if self.by == "type" else facts.validated_assumptions_by_topic
        count = table.get(self.key, 0)
        detail = f"validated {self.key} assumptions: {count}, at least {self.minimum} needed"
        return CriterionResult(self.name, self.title, count >= self.minimum, detail)


@dataclass(frozen=True)
class IsTrue:
    """Something has been done (a yes/no fact)."""

    kind: ClassVar[str] = "is_true"
    name: str
    fact: str
    label: str = ""

    def __post_init__(self) -> None:
        _check_fact(self.fact, FLAG_FACTS, self.kind)

    @property
    def title(self) -> str:
        return self.label or FLAG_FACTS[self.fact][1]

    def check(self, facts: InitiativeFacts) -> CriterionResult:
        done = bool(getattr(facts, self.fact))
        detail = f"{FLAG_FACTS[self.fact][0]}: {'done' if done else 'not yet'}"
        return CriterionResult(self.name, self.title, done, detail)


@dataclass(frozen=True)
class AnyOf:
    """At least one of several rules is met."""

    kind: ClassVar[str] = "any_of"
    name: str
    rules: tuple[Rule, ...]
    label: str = ""

    def __post_init__(self) -> None:
        if not self.rules:
            raise ValueError(f"{self.kind} {self.name!r}: needs at least one rule")
        object.__setattr__(self, "rules", tuple(self.rules))

    @property
    def title(self) -> str:
        if self.label:
            return self.label
        titles = [r.title for r in self.rules]
        return titles[0] + "".join(f", or {t[0].lower()}{t[1:]}" for t in titles[1:])

    def check(self, facts: InitiativeFacts) -> CriterionResult:
        parts = [rule.check(facts) for rule in self.rules]
        detail = " or ".join(f"{p.detail} ({'met' if p.met else 'not met'})" for p in parts)
        return CriterionResult(self.name, self.title, any(p.met for p in parts), detail)


Rule = AtLeast | SegmentsCovered | ValidatedAssumptions | IsTrue | AnyOf
RULE_KINDS: dict[str, type] = {cls.kind: cls for cls in (AtLeast, SegmentsCovered, ValidatedAssumptions, IsTrue, AnyOf)}
GateCriteria = Mapping[str, tuple[Rule, ...]]

DEFAULT_CRITERIA: dict[str, tuple[Rule, ...]] = {
    "pain": (
        SegmentsCovered(name="pain_in_segments", min_segments=2, min_per_segment=1),
        ValidatedAssumptions(name="desirability_validated", by="type", key="desirability", minimum=1),
    ),
    "solution": (
        AtLeast(name="prototype_reactions", fact="prototype_reactions", minimum=1),
        AtLeast(name="do_evidence", fact="do_evidence", minimum=1),
    ),
    "go_to_market": (
        AnyOf(
            name="price_or_buying_committee",
            rules=(
                AtLeast(name="priced_test", fact="priced_tests", minimum=1),
                IsTrue(name="buying_committee_mapped", fact="buying_committee_mapped"),
            ),
        ),
    ),
    "business_model": tuple(
        ValidatedAssumptions(name=f"{topic}_validated", by="topic", key=topic, minimum=1)
        for topic in ("usage", "revenue", "cost")
    ),
    "scale": (),
}


@dataclass(frozen=True)
class GateCheck:
    stage: str
    next_stage: str | None
    met: bool
    results: list[CriterionResult]

    @property
    def unmet(self) -> list[CriterionResult]:
        return [r for r in self.results if not r.met]

    def as_dict(self) -> dict[str, object]:
        return {
            "stage": self.stage,
            "next_stage": self.next_stage,
            "met": self.met,
            "results": [r.as_dict() for r in self.results],
        }


def check_exit(stage: str, facts: InitiativeFacts, criteria: GateCriteria | None = None) -> GateCheck:
    """Whether an initiative has the evidence to leave `stage`, criterion by criterion.

    A stage with no criteria is met. "scale" is the last stage and has no exit.
    """
    following = next_stage(stage)
    if following is None:
        raise ValueError(f"{stage!r} is the last stage; there is no exit gate to check")
    rules = (DEFAULT_CRITERIA if criteria is None else criteria).get(stage, ())
    results = [rule.check(facts) for rule in rules]
    return GateCheck(stage=stage, next_stage=following, met=all(r.met for r in results), results=results)


# --- JSON --------------------------------------------------------------------------------


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": rule.kind}
    for f in dataclasses.fields(rule):
        value = getattr(rule, f.name)
        data[f.name] = [rule_to_dict(r) for r in value] if f.name == "rules" else value
    return data


def rule_from_dict(data: Mapping[str, Any], where: str = "rule") -> Rule:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: expected an object, got {type(data).__name__}")
    kind = data.get("kind")
    cls = RULE_KINDS.get(kind)  # type: ignore[arg-type]
    if cls is None:
        raise ValueError(f"{where}: unknown kind {kind!r}; one of {', '.join(RULE_KINDS)}")
    allowed = {f.name for f in dataclasses.fields(cls)}
    params = {k: v for k, v in data.items() if k != "kind"}
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)} for {kind}")
    if cls is AnyOf:
        params["rules"] = tuple(
            rule_from_dict(r, f"{where}.rules[{i}]") for i, r in enumerate(params.get("rules") or ())
        )
    try:
        return cls(**params)
    except TypeError as error:
        raise ValueError(f"{where}: {error}") from None
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


def criteria_to_json(criteria: GateCriteria) -> dict[str, list[dict[str, Any]]]:
    return {stage: [rule_to_dict(r) for r in criteria.get(stage, ())] for stage in STAGE_KEYS}


def criteria_from_json(
    data: Mapping[str, Sequence[Mapping[str, Any]]], base: GateCriteria = DEFAULT_CRITERIA
) -> dict[str, tuple[Rule, ...]]:
    """Criteria from stored JSON; stages the JSON leaves out keep `base` (the defaults)."""
    criteria = {stage: tuple(base.get(stage, ())) for stage in STAGE_KEYS}
    for stage, rules in data.items():
        stage_index(stage)
        parsed = tuple(rule_from_dict(r, f"{stage}[{i}]") for i, r in enumerate(rules))
        names = [r.name for r in parsed]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"{stage}: criterion name(s) used twice: {', '.join(duplicates)}")
        criteria[stage] = parsed
    return criteria


def with_threshold(criteria: GateCriteria, stage: str, name: str, **changes: Any) -> dict[str, tuple[Rule, ...]]:
    """A copy of `criteria` with one criterion's parameters changed (looked up by name)."""
    found = False

    def edit(rule: Rule) -> Rule:
        nonlocal found
        if rule.name == name:
            found = True
            try:
                return dataclasses.replace(rule, **changes)
            except TypeError as error:
                raise ValueError(f"{stage}.{name}: {error}") from None
        if isinstance(rule, AnyOf):
            return dataclasses.replace(rule, rules=tuple(edit(r) for r in rule.rules))
        return rule

    stage_index(stage)
    edited = {key: tuple(rules) for key, rules in criteria.items()}
    edited[stage] = tuple(edit(r) for r in criteria.get(stage, ()))
    if not found:
        raise ValueError(f"stage {stage!r} has no criterion named {name!r}")
    return edited
