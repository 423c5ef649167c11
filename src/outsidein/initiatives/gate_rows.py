"""Stage-gate criteria as rows a person edits: stage, measure, threshold.

The rules of ``gates`` are typed objects with parameters; an owner thinks of them as lines: "to leave Nail the
solution, at least 1 reaction to a prototype". Each rule is one row here, and a rule that is met when any of
several are ("a test with real prices, or the buying committee mapped") is rows marked "or the row above". Rows
keep the rule's stable name (what the stage log refers to), so editing a threshold does not rename it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from outsidein.initiatives import gates
from outsidein.learning.models import AssumptionTopic


@dataclass(frozen=True)
class Measure:
    code: str  # what the row's select posts
    label: str
    threshold: bool = True  # a flag has none: it is done or not


def _measures() -> list[Measure]:
    found = [Measure(f"count:{fact}", words[1][0].upper() + words[1][1:]) for fact, words in gates.COUNT_FACTS.items()]
    found += [Measure(f"segments:{fact}", f"Segments with {words}") for fact, words in gates.SEGMENT_FACTS.items()]
    found += [Measure(f"type:{kind}", f"Validated {kind} assumptions") for kind in gates.ASSUMPTION_TYPES]
    found += [Measure(f"topic:{topic.value}", f"Validated assumptions about {topic.label.lower()}")
              for topic in AssumptionTopic]
    found += [Measure(f"flag:{fact}", done, threshold=False) for fact, (_, done) in gates.FLAG_FACTS.items()]
    return found


MEASURES: dict[str, Measure] = {m.code: m for m in _measures()}
GATED_STAGES = gates.STAGES[:-1]  # scale is the last stage: nothing leaves it


@dataclass
class Row:
    stage: str
    measure: str
    threshold: int | None = 1
    per_segment: int | None = None
    either: bool = False  # met with the row above: both are one "any of" criterion
    label: str = ""
    name: str = ""
    group: str = ""  # the name of the "any of" criterion the row belongs to
    group_label: str = ""


def _row(stage: str, rule: gates.Rule, **extra: Any) -> Row:
    if isinstance(rule, gates.AtLeast):
        return Row(stage, f"count:{rule.fact}", rule.minimum, label=rule.label, name=rule.name, **extra)
    if isinstance(rule, gates.SegmentsCovered):
        return Row(stage, f"segments:{rule.fact}", rule.min_segments, rule.min_per_segment, label=rule.label,
                   name=rule.name, **extra)
    if isinstance(rule, gates.ValidatedAssumptions):
        return Row(stage, f"{rule.by}:{rule.key}", rule.minimum, label=rule.label, name=rule.name, **extra)
    if isinstance(rule, gates.IsTrue):
        return Row(stage, f"flag:{rule.fact}", None, label=rule.label, name=rule.name, **extra)
    raise TypeError(f"no row for {rule!r}")


def _leaves(rule: gates.Rule) -> Iterable[gates.Rule]:
    # "any of (a, any of (b, c))" is "any of (a, b, c)": rows have one level.
    if isinstance(rule, gates.AnyOf):
        for inner in rule.rules:
            yield from _leaves(inner)
    else:
        yield rule


def rows_from_criteria(criteria: gates.GateCriteria) -> list[Row]:
    rows = []
    for stage in GATED_STAGES:
        for rule in criteria.get(stage.key, ()):
            if isinstance(rule, gates.AnyOf):
                for index, leaf in enumerate(_leaves(rule)):
                    rows.append(_row(stage.key, leaf, either=index > 0, group=rule.name, group_label=rule.label))
            else:
                rows.append(_row(stage.key, rule))
    return rows


class RowError(ValueError):
    """A row that makes no criterion, with the row's place (0-based among the rows given)."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "criterion"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _rule(row: Row, name: str) -> gates.Rule:
    measure = MEASURES[row.measure]
    kind, _, key = measure.code.partition(":")
    threshold = 1 if row.threshold is None else row.threshold
    if kind == "count":
        return gates.AtLeast(name=name, fact=key, minimum=threshold, label=row.label)
    if kind == "segments":
        return gates.SegmentsCovered(name=name, fact=key, min_segments=threshold,
                                     min_per_segment=row.per_segment or 1, label=row.label)
    if kind in ("type", "topic"):
        return gates.ValidatedAssumptions(name=name, by=kind, key=key, minimum=threshold,  # type: ignore[arg-type]
                                          label=row.label)
    return gates.IsTrue(name=name, fact=key, label=row.label)


def criteria_from_rows(rows: Sequence[Row]) -> dict[str, list[dict[str, Any]]]:
    """The JSON ``GateSettings`` keeps, every gated stage named (a stage without rows has no criteria).

    Raises ``RowError`` naming the row: an unknown stage or measure, "or the row above" on a stage's first row.
    """
    by_stage: dict[str, list[gates.Rule]] = {stage.key: [] for stage in GATED_STAGES}
    taken: dict[str, set[str]] = {stage.key: set() for stage in GATED_STAGES}
    groups: dict[str, list[tuple[Row, gates.Rule]]] = {}
    previous: tuple[str, list[tuple[Row, gates.Rule]]] | None = None
    for index, row in enumerate(rows):
        if row.stage not in by_stage:
            raise RowError(index, f"Not a stage with a gate: {row.stage!r}.")
        if row.measure not in MEASURES:
            raise RowError(index, f"Not a measure: {row.measure!r}.")
        try:
            rule = _rule(row, _unique(row.name or _slug(row.measure.partition(":")[2]), taken[row.stage]))
        except ValueError as exc:
            raise RowError(index, str(exc)) from None
        if row.either:
            if previous is None or previous[0] != row.stage:
                raise RowError(index, "“Or the row above” needs a row above it at the same stage.")
            previous[1].append((row, rule))
            continue
        members = [(row, rule)]
        groups[f"{row.stage}:{index}"] = members
        previous = (row.stage, members)
    for key, members in groups.items():
        stage = key.partition(":")[0]
        if len(members) == 1:
            by_stage[stage].append(members[0][1])
        else:
            first = members[0][0]
            name = _unique(first.group or f"{members[0][1].name}_or_more", taken[stage])
            by_stage[stage].append(gates.AnyOf(name=name, rules=tuple(rule for _, rule in members),
                                               label=first.group_label))
    return {stage: [gates.rule_to_dict(rule) for rule in rules] for stage, rules in by_stage.items()}


def as_initial(rows: Sequence[Row]) -> list[Mapping[str, Any]]:
    return [vars(row) for row in rows]
