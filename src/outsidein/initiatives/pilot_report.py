"""What the pilot page shows a sponsor, top to bottom: the verdict, pilot against control before and during,
and the effect with its interval against zero. Built from the result stored with the pilot (no query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import isnan

from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString

from outsidein.core.charts import BeforeAfter, before_after_chart, interval_chart
from outsidein.initiatives.models import Pilot
from outsidein.initiatives.pilot_stats import size_groups
from outsidein.initiatives.pilot_verdict import (
    Verdict,
    good_direction,
    metric_in_a_sentence,
    number,
    signed,
    verdict_for,
)


@dataclass(frozen=True)
class PilotReport:
    verdict: Verdict
    groups_chart: SafeString | None
    effect_chart: SafeString | None
    expected_power: float | None = None  # the chance these groups give a clear result if the hoped-for effect is real
    direction_note: str = ""


def _window(label: str, start: date, end: date) -> str:
    same_year = start.year == end.year
    return f"{label}: {format_date(start, 'j M' if same_year else 'j M Y')} – {format_date(end, 'j M Y')}"


def _accounts(cells: dict, group: str) -> int:
    return max(cells[group, period]["accounts"] for period in ("baseline", "pilot"))


def groups_chart(pilot: Pilot, result: dict) -> SafeString:
    """The mean of each group in each window; the dashed line is the pilot group had it moved like the control
    group, so the gap at "during" is the effect."""
    cells = {(c["group"], c["period"]): c for c in result["cells"]}
    pilot_before, pilot_after = cells["pilot", "baseline"]["mean"], cells["pilot", "pilot"]["mean"]
    control_before, control_after = cells["control", "baseline"]["mean"], cells["control", "pilot"]["mean"]
    what_if = pilot_before + (control_after - control_before)
    lines = [
        BeforeAfter(f"Pilot group ({_accounts(cells, 'pilot')} accounts)", pilot_before, pilot_after),
        BeforeAfter(f"Control group ({_accounts(cells, 'control')} accounts)", control_before, control_after),
        BeforeAfter("Pilot, moved like control", pilot_before, what_if, dashed=True, colour=0),
    ]
    return before_after_chart(
        lines, title=f"{pilot.metric_name}: pilot and control groups, before and during the pilot",
        before_label=_window("Baseline", pilot.baseline_start, pilot.baseline_end),
        after_label=_window("Pilot", pilot.pilot_start, pilot.pilot_end),
        bracket=(what_if, pilot_after, f"effect {signed(result['effect'])}"), label=number, width=900, height=320)


def effect_chart(pilot: Pilot, result: dict, verdict: Verdict) -> SafeString:
    direction, assumed = good_direction(pilot.metric_kind, pilot.expected_effect)
    level = round(result["confidence_level"] * 100)
    marks = [(pilot.expected_effect, f"hoped for {signed(pilot.expected_effect)}")] if pilot.expected_effect else []
    return interval_chart(
        result["effect"], result["ci_low"], result["ci_high"],
        title=f"Effect on {metric_in_a_sentence(pilot.metric_name)} (difference in differences), with its {level}% "
              "interval", tone=verdict.tone, marks=marks, better="" if assumed else ("up" if direction > 0 else "down"),
        label=signed, width=900)


def direction_note(pilot: Pilot) -> str:
    direction, assumed = good_direction(pilot.metric_kind, pilot.expected_effect)
    if assumed:
        return "higher is taken to be better; a negative expected effect says lower is better"
    return "higher is better" if direction > 0 else "lower is better"


def pilot_report(pilot: Pilot) -> PilotReport:
    verdict = verdict_for(pilot)
    result = pilot.result
    if not result or len(result.get("cells", [])) != 4:
        return PilotReport(verdict, None, None, direction_note=direction_note(pilot))
    power = size_groups(result, pilot.expected_effect).power if pilot.expected_effect else None
    return PilotReport(verdict, groups_chart(pilot, result), effect_chart(pilot, result, verdict),
                       expected_power=None if power is None or isnan(power) else power,
                       direction_note=direction_note(pilot))
