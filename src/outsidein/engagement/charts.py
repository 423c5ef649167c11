"""Charts of the engagement area, one builder per chart so the page and the e-mail digest draw the same one."""

from django.utils.safestring import SafeString

from outsidein.core.charts import Bar, bar_chart


def pulse_chart(team, me_id: int | None) -> SafeString:
    """Each member's first-hand conversations in the last 30 days, the viewer marked, against the team median."""
    bars = [Bar(p.name, p.last_30, note="you" if p.user_id == me_id else "", highlight=p.user_id == me_id)
            for p in sorted(team.pulses, key=lambda p: (-p.last_30, p.name))]
    median = team.medians.get("last_30")
    return bar_chart(bars, title="First-hand customer conversations, last 30 days", reference=median,
                     reference_label=f"team median {median:g}" if median is not None else "")


def challenge_week_chart(board, weekly_target: int, me_id: int | None) -> SafeString:
    """This week's first-hand conversations of everyone on a challenge's board, against the weekly target."""
    bars = [Bar(r.name, r.this_week, note="✓" if r.target_met else "", highlight=r.user_id == me_id)
            for r in board.rows]
    return bar_chart(bars, title="First-hand conversations this week",
                     reference=weekly_target, reference_label=f"target {weekly_target}")
