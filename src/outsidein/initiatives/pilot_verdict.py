"""The verdict on a pilot: one plain sentence a sponsor can act on, that agrees with the statistics.

The rules (docs/analytics/pilots.md, "The verdict"), in order:

1. no result, or a cell below the minimum accounts or responses: not enough data yet;
2. the interval is clear of zero on the good side: worked; on the bad side: got worse;
3. otherwise the groups either could detect the effect that matters (the expected effect, or without one
   the effect observed) with the target power, and found none: no effect detectable, at most the interval's
   good end; or they could not: promising but underpowered (good direction, with the accounts to add) or
   inconclusive (no movement or the bad direction).

Which direction is good: up for NPS and CSAT; for an entered number, the sign of the expected effect (a
pilot hoping for −1 escalations a week wants the metric down), and up when no effect is expected.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Literal

from outsidein.initiatives.pilot_stats import (
    GROUPS,
    MIN_ACCOUNTS_PER_CELL,
    MIN_RESPONSES_PER_CELL,
    PERIODS,
    GroupSizing,
    size_groups,
)

VerdictKind = Literal["worked", "worse", "promising", "inconclusive", "no_effect", "not_enough_data"]
Tone = Literal["good", "bad", "caution", "neutral"]

LABELS: dict[str, tuple[str, Tone]] = {
    "worked": ("Worked", "good"),
    "worse": ("Got worse", "bad"),
    "promising": ("Promising, groups too small", "caution"),
    "inconclusive": ("Inconclusive, groups too small", "caution"),
    "no_effect": ("No effect detectable", "neutral"),
    "not_enough_data": ("Not enough data yet", "neutral"),
}
HIGHER_IS_BETTER_KINDS = frozenset({"nps", "csat"})
WINDOW_NAMES = {"baseline": "baseline window", "pilot": "pilot window"}


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    label: str
    tone: Tone
    sentence: str
    note: str  # what the figures mean together when they seem to disagree, or an assumption made
    decision: str  # the suggested decision: scale, iterate, stop, or "" (too early)
    decision_reason: str
    more_pilot_accounts: int | None = None
    more_control_accounts: int | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def good_direction(metric_kind: str, expected_effect: float | None) -> tuple[int, bool]:
    """+1 when up is better, −1 when down is; and whether that was assumed rather than known."""
    if metric_kind in HIGHER_IS_BETTER_KINDS:
        return 1, False
    if expected_effect:
        return (1 if expected_effect > 0 else -1), False
    return 1, True


def number(value: float) -> str:
    """A figure as a sponsor reads it: three significant figures at most, a real minus sign."""
    magnitude = abs(value)
    places = 0 if magnitude >= 100 else 1 if magnitude >= 10 else 2
    return f"{value:,.{places}f}".replace("-", "−")


def signed(value: float) -> str:
    return ("+" if value > 0 else "") + number(value)


def _moved(effect: float) -> str:
    return "went up" if effect > 0 else "went down" if effect < 0 else "did not move"


def _interval(low: float, high: float, level: float) -> str:
    return f"{round(level * 100):d}% interval {signed(low)} to {signed(high)}"


def _clear_interval(low: float, high: float, level: float) -> str:
    """An interval wholly on one side of zero, said as a range of change: "down 0.80 to 1.80"."""
    side = "up" if low > 0 else "down"
    near, far = sorted((abs(low), abs(high)))
    return f"{round(level * 100):d}% interval: {side} {number(near)} to {number(far)}"


def _thin_groups(cells: list[Mapping[str, object]]) -> list[str]:
    """Per group, what falls short of the minimum in its thinnest window."""
    thin = []
    for group in GROUPS:
        own = [c for c in cells if c["group"] == group]
        if not own:
            continue
        accounts = min(int(c["accounts"]) for c in own)  # type: ignore[call-overload]
        sparse = min(own, key=lambda c: int(c["responses"]))  # type: ignore[call-overload]
        responses = int(sparse["responses"])  # type: ignore[call-overload]
        if accounts < MIN_ACCOUNTS_PER_CELL:
            thin.append(f"the {group} group has only {accounts} account{'s' if accounts != 1 else ''}")
        elif responses < MIN_RESPONSES_PER_CELL:
            thin.append(f"the {group} group has only {responses} value{'s' if responses != 1 else ''} in the "
                        f"{WINDOW_NAMES[str(sparse['period'])]}")
    return thin


def metric_in_a_sentence(name: str) -> str:
    """"Escalations a week" reads "escalations a week" mid-sentence; "NPS" stays as it is."""
    first_word = name.split(" ", 1)[0]
    return name if not name or first_word[1:2].isupper() else name[0].lower() + name[1:]


def _add_accounts(sizing: GroupSizing) -> str:
    more_pilot, more_control = sizing.more_pilot_accounts, sizing.more_control_accounts
    if more_pilot is None or more_control is None:
        return "there are too few values to say how many accounts would be enough"
    if more_pilot == more_control:
        return f"add about {more_pilot:,} accounts to each group ({more_pilot + more_control:,} in all)"
    return (f"add about {more_pilot:,} accounts to the pilot group and {more_control:,} to the control group")


def _not_enough(metric_kind: str, shortfalls: list[str] | None, so_far: str) -> Verdict:
    label, tone = LABELS["not_enough_data"]
    if shortfalls is None:
        how = ("Once both groups have responses in both windows, compute the effect."
               if metric_kind in HIGHER_IS_BETTER_KINDS else
               "Enter values for both groups in both windows, then compute the effect.")
        sentence = f"Not enough data yet: no result has been computed. {how}"
    else:
        sentence = (f"Not enough data yet: {' and '.join(shortfalls)}, and a result needs at least "
                    f"{MIN_ACCOUNTS_PER_CELL} accounts and {MIN_RESPONSES_PER_CELL} values in each group and "
                    f"window before it can be trusted.")
    return Verdict("not_enough_data", label, tone, sentence, so_far, "",
                   "No decision yet: collect more data, then compute the effect again.")


def pilot_verdict(result: Mapping[str, object] | None, *, metric_name: str, metric_kind: str = "entered",
                  expected_effect: float | None = None) -> Verdict:
    """The verdict on a computed pilot (`PilotResult.as_dict()`, as stored with the pilot), or on none yet."""
    if not result:
        return _not_enough(metric_kind, None, "")
    effect, low, high = (float(result[k]) for k in ("effect", "ci_low", "ci_high"))  # type: ignore[arg-type]
    level = float(result["confidence_level"])  # type: ignore[arg-type]
    cells: list[Mapping[str, object]] = list(result["cells"])  # type: ignore[call-overload]
    direction, assumed = good_direction(metric_kind, expected_effect)
    metric = metric_in_a_sentence(metric_name)
    moved = f"{metric} {_moved(effect)} by {number(abs(effect))} more for the pilot accounts than for the control group"
    assumption = ("Higher is taken to be better; give the expected effect (negative when lower is better) to say "
                  "otherwise." if assumed else "")

    thin = _thin_groups(cells)
    if thin or len(cells) != len(GROUPS) * len(PERIODS):
        so_far = f"So far {moved} ({_interval(low, high, level)}), which is too little to go on."
        return _not_enough(metric_kind, thin, so_far)

    good_effect = effect * direction
    mde = float(result["minimum_detectable_effect"])  # type: ignore[arg-type]
    power = float(result["power"])  # type: ignore[arg-type]
    hoped = f"the hoped-for {signed(expected_effect)}" if expected_effect else ""
    if low > 0 or high < 0:
        return _clear(result, good_effect > 0, moved, _clear_interval(low, high, level), hoped, mde, power,
                      assumption, metric)

    target = abs(expected_effect) if expected_effect else abs(effect)
    sizing = size_groups(result, target) if target else None
    best = number(max(low * direction, high * direction))
    within = f"which is within chance ({_interval(low, high, level)})"
    if sizing is not None and sizing.is_enough:
        label, tone = LABELS["no_effect"]
        aim = hoped or f"an effect of {number(target)}"
        sentence = (f"No effect detectable: the groups were large enough to detect {aim}, but {moved}, {within}; "
                    f"any real improvement is at most {best}.")
        return Verdict("no_effect", label, tone, sentence, assumption, "stop",
                       "Stop, or change the approach and pilot again: the groups were large enough to find the "
                       "effect that matters, and it did not show.")
    if good_effect > 0 and sizing is not None:
        label, tone = LABELS["promising"]
        aim = hoped or f"an effect of this size ({signed(effect)})"
        sentence = (f"Promising, but the groups are too small to be sure: {moved}, which could still be chance "
                    f"({_interval(low, high, level)}); to detect {aim} reliably, {_add_accounts(sizing)}.")
        return Verdict("promising", label, tone, sentence, _power_note(sizing, assumption), "iterate",
                       "Iterate: grow the groups (or run the pilot longer) before deciding.",
                       sizing.more_pilot_accounts, sizing.more_control_accounts)
    if sizing is None or not expected_effect:
        # Nothing was hoped for and nothing moved the good way: there is no effect to size the groups for.
        label, tone = LABELS["no_effect"]
        sentence = f"No improvement detectable: {moved}, {within}; any real improvement is at most {best}."
        return Verdict("no_effect", label, tone, sentence, assumption, "stop",
                       "Stop, or change the approach and pilot again: nothing shows the change helps.")
    label, tone = LABELS["inconclusive"]
    sentence = (f"Inconclusive: {moved}, {within}, and the groups are too small to detect {hoped}; to find out, "
                f"{_add_accounts(sizing)}.")
    return Verdict("inconclusive", label, tone, sentence, _power_note(sizing, assumption), "iterate",
                   "Iterate: so far nothing shows the change helps; grow the groups before deciding, or stop if "
                   "the pilot cannot grow.", sizing.more_pilot_accounts, sizing.more_control_accounts)


def _power_note(sizing: GroupSizing, assumption: str) -> str:
    if math.isnan(sizing.power):
        return assumption
    note = (f"With the groups as they are, an effect of {number(abs(sizing.effect))} would give a clear result "
            f"only {round(sizing.power * 100):d}% of the time (the aim is {round(sizing.target_power * 100):d}%).")
    return f"{note} {assumption}".strip()


def _clear(result: Mapping[str, object], better: bool, moved: str, interval: str, hoped: str, mde: float,
           power: float, assumption: str, metric_name: str) -> Verdict:
    """The interval is clear of zero: worked or got worse, with what a "too small" warning means beside it."""
    kind: VerdictKind = "worked" if better else "worse"
    label, tone = LABELS[kind]
    p_value = float(result["p_value"])  # type: ignore[arg-type]
    p_text = "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2g}"
    near = min(abs(float(result["ci_low"])), abs(float(result["ci_high"])))  # type: ignore[arg-type]
    expected = result.get("expected_effect")
    notes = []
    if hoped and expected is not None and abs(float(expected)) < mde:  # type: ignore[arg-type]
        notes.append(
            f"The groups were too small to count on detecting {hoped} (at {round(power * 100):d}% power they "
            f"detect {number(mde)} or more), yet the effect found is clear of zero ({p_text}). Both hold: "
            "small groups can easily miss an effect, and this one showed anyway. A clear result from small groups "
            f"tends to overstate the size, so plan on the end of the interval nearer zero ({number(near)}).")
    effect = float(result["effect"])  # type: ignore[arg-type]
    if better and hoped and expected is not None and abs(effect) < abs(float(expected)):  # type: ignore[arg-type]
        notes.append(f"The improvement is smaller than {hoped}.")
    if assumption:
        notes.append(assumption)
    if better:
        sentence = f"The pilot worked: {moved} ({interval})."
        reason = f"Scale: the change improved {metric_name} and the interval is clear of zero."
        if len(notes) > 1 or (notes and "smaller than" in notes[-1]):
            reason += " Check that an improvement at the low end of the interval pays for the roll-out."
        return Verdict(kind, label, tone, sentence, " ".join(notes), "scale", reason)
    sentence = f"The pilot made things worse: {moved} ({interval})" + (f", against {hoped}." if hoped else ".")
    return Verdict(kind, label, tone, sentence, " ".join(notes), "stop",
                   f"Stop: the change made {metric_name} worse, and the interval is clear of zero.")


def verdict_for(pilot) -> Verdict:
    """The verdict on a pilot as stored (its last computed result)."""
    return pilot_verdict(pilot.result, metric_name=pilot.metric_name, metric_kind=pilot.metric_kind,
                         expected_effect=pilot.expected_effect)
