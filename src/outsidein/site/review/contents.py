"""What a leadership review holds, gathered from each area's selectors: the team's first-hand pulse and its
challenges, the customers' scores, the loop, the themes and key drivers, initiatives by stage and pilot verdicts.

Every figure is one of the product's own (the same selectors as the pages), read for the period asked about;
each read is a grouped count or a bounded list, so a review of a million responses costs what one of ten does.
"""

from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.utils import timezone
from django.utils.safestring import SafeString

from outsidein.core.charts import Bar, bar_chart
from outsidein.core.scoping import scoped
from outsidein.core.words import counted
from outsidein.engagement import selectors as engagement
from outsidein.engagement.leaderboard import Leaderboard
from outsidein.engagement.models import Challenge
from outsidein.feedback.selectors import FeedbackFilter
from outsidein.initiatives import selectors as initiatives
from outsidein.initiatives.models import Pilot
from outsidein.initiatives.pilot_verdict import Verdict, verdict_for
from outsidein.insights import charts as insight_charts
from outsidein.insights import pain, score_words
from outsidein.insights import selectors as insights
from outsidein.insights import themes as themes_services
from outsidein.insights.analysis.scores import Period as Bucket
from outsidein.insights.drivers import DriverDetail, act_first_detail
from outsidein.insights.models import DriverAnalysis
from outsidein.insights.views import ThemeRow, theme_rows
from outsidein.journeys import selectors as journey_selectors
from outsidein.journeys.canvas import journey_canvas
from outsidein.journeys.gaps import widest_gap
from outsidein.journeys.models import Journey
from outsidein.loop import selectors as loop
from outsidein.loop.figures import LoopFigures, TeamLoopFigures, loop_figures
from outsidein.loop.models import SuggestionStatus
from outsidein.site.review.periods import Period
from outsidein.workspaces.models import Workspace

# The buckets a period's score trend is drawn in: a quarter by month, a year by quarter, a month by week.
BUCKETS: dict[str, Bucket] = {"quarter": "month", "year": "quarter", "month": "week"}
TOP_THEMES = 6
CHALLENGES = 3
JOURNEYS = 2


@dataclass(frozen=True)
class LeaderLine:
    """One leader in the review: first-hand conversations in the period and their pulse at its end."""

    name: str
    in_period: int
    days_since_last: int | None
    first_hand_percent: int | None
    segments_met: int
    people_met: int
    insulated: bool


@dataclass(frozen=True)
class ChallengeLine:
    challenge: Challenge
    board: Leaderboard

    @property
    def at_target(self) -> str:
        """Weeks at target over weeks elapsed, all participants together: "14 of 20 weeks"."""
        met = sum(r.weeks_at_target for r in self.board.rows)
        return f"{met} of {counted(sum(r.weeks_elapsed for r in self.board.rows), 'week')}"


@dataclass(frozen=True)
class ScoreLine:
    label: str
    headline: str  # the period's score, e.g. "32 ± 4.1"
    sentence: str
    n: int
    chart: SafeString | None


@dataclass(frozen=True)
class DriverLine:
    analysis: DriverAnalysis
    act_first: DriverDetail | None
    chart: SafeString | None


@dataclass(frozen=True)
class JourneyLine:
    journey: Journey
    canvas: SafeString
    widest: str  # the touchpoint with the widest gap, "" when none has enough evidence


@dataclass(frozen=True)
class Review:
    workspace: Workspace
    period: Period
    previous: Period
    generated_at: datetime
    as_of: datetime  # the end of the period, or now for a period still running
    leaders: list[LeaderLine]
    conversations: int  # first-hand conversations of the leaders together
    median_per_leader: float | None
    pulse_chart: SafeString | None
    challenges: list[ChallengeLine]
    scores: list[ScoreLine]
    loop: TeamLoopFigures  # the team's and each leader's: closed, told, days to tell, thank-yous
    raised: int  # times customers raised an idea or a pain
    threads_now: dict[str, int]  # threads at each status today
    themes: list[ThemeRow]
    themes_total: int
    driver: DriverLine | None
    stages: list[initiatives.StageSummary]
    pilots: list[tuple[Pilot, Verdict]]
    journeys: list[JourneyLine]

    @property
    def in_progress(self) -> bool:
        return self.as_of < self.period.end(self.workspace.tz)

    @property
    def insulated(self) -> list[str]:
        return [line.name for line in self.leaders if line.insulated]

    @property
    def loop_statuses(self) -> list[tuple[str, int]]:
        """Each status with the threads at it today."""
        return [(label, self.threads_now.get(value, 0)) for value, label in SuggestionStatus.choices]

    @property
    def loop_leaders(self) -> list[LoopFigures]:
        """The leaders who closed, told or thanked anyone in the period."""
        return [f for f in self.loop.leaders if f.closed or f.told or f.thanks or f.heard_back]

    @property
    def file_name(self) -> str:
        return f"leadership-review-{self.workspace.slug}-{self.period.key}.pdf"


def _leaders(workspace: Workspace, start: datetime, as_of: datetime) -> list[LeaderLine]:
    team = engagement.team_pulse(workspace, now=as_of)
    counts = engagement.first_hand_in(workspace, [p.user_id for p in team.pulses], start, as_of)
    lines = [LeaderLine(p.name, counts.get(p.user_id, 0), p.days_since_last, p.first_hand_percent, p.segments_met,
                        p.people_met, p.insulated) for p in team.pulses]
    lines.sort(key=lambda line: (-line.in_period, line.name))
    return lines


def _pulse_chart(period: Period, lines: list[LeaderLine], middle: float | None) -> SafeString | None:
    if not lines:
        return None
    return bar_chart([Bar(line.name, line.in_period) for line in lines],
                     title=f"First-hand customer conversations per leader, {period.name}", reference=middle,
                     reference_label=f"median {middle:g}" if middle is not None else "")


def _challenges(workspace: Workspace, period: Period, as_of: datetime) -> list[ChallengeLine]:
    running = (scoped(Challenge, workspace).filter(starts_on__lte=period.last_day, ends_on__gte=period.first_day)
               .order_by("-starts_on", "-id")[:CHALLENGES])
    return [ChallengeLine(c, engagement.leaderboard(c, now=as_of)) for c in running]


def _scores(workspace: Workspace, period: Period, previous: Period) -> list[ScoreLine]:
    bucket = BUCKETS[period.kind]
    shown = FeedbackFilter(since=previous.first_day, until=period.last_day)
    lines = []
    for view in insights.metric_views(workspace, shown, bucket).values():
        if not view.overall.n:
            continue
        change = insights.compare(workspace, view.metric, FeedbackFilter(), (previous.first_day, previous.last_day),
                                  (period.first_day, period.last_day))
        if not change.after.n:
            headline, sentence = "—", f"No {view.label} responses in {period.name}."
        else:
            headline = score_words.with_margin(change.after)
            sentence = score_words.compared(view.label, period.name, change.after, previous.name, change.before,
                                            change)
        lines.append(ScoreLine(view.label, headline, sentence, change.after.n,
                               insight_charts.metric_chart(view, bucket) if view.series else None))
    return lines


def _themes(workspace: Workspace) -> tuple[list[ThemeRow], int]:
    themes = sorted(themes_services.live_themes(workspace), key=lambda t: (-t.size, t.pk))
    top = themes[:TOP_THEMES]
    rows = theme_rows(themes, pain.revenue_reach(workspace, top))[:TOP_THEMES]
    return rows, sum(t.size for t in themes)


def _driver(workspace: Workspace) -> DriverLine | None:
    analysis = scoped(DriverAnalysis, workspace).filter(status="done").order_by("-finished_at", "-id").first()
    if analysis is None:
        return None
    return DriverLine(analysis, act_first_detail(analysis), insight_charts.importance_chart(analysis))


def _journeys(workspace: Workspace) -> list[JourneyLine]:
    """The canvases of the workspace's journeys, the most touchpoints first (a few: each is a page)."""
    lines = []
    listed = journey_selectors.journey_list(workspace)[:50]
    for summary in sorted(listed, key=lambda j: (-getattr(j, "touchpoint_count", 0), j.name))[:JOURNEYS]:
        journey = journey_selectors.journey_detail(workspace, summary.pk)
        figures = journey_selectors.touchpoint_figures(journey)
        widest = widest_gap(figures.values())
        names = {t.pk: t.name for stage in journey.stages.all() for t in stage.touchpoints.all()}
        lines.append(JourneyLine(journey, journey_canvas(journey, figures),
                                 names.get(widest.touchpoint_id, "") if widest else ""))
    return lines


def review_for(workspace: Workspace, period: Period, now: datetime | None = None) -> Review:
    """The review of ``period``; for a period still running, its figures so far."""
    now = now or timezone.now()
    tz = workspace.tz
    start, end = period.start(tz), period.end(tz)
    as_of = min(end, now)
    leaders = _leaders(workspace, start, as_of)
    middle = median([line.in_period for line in leaders]) if leaders else None
    stages = initiatives.stage_summary(workspace, start, end)
    pilots = initiatives.pilots_during(workspace, period.first_day, period.last_day)
    themes, themes_total = _themes(workspace)
    return Review(
        workspace=workspace, period=period, previous=period.previous(), generated_at=now, as_of=as_of,
        leaders=leaders, conversations=sum(line.in_period for line in leaders), median_per_leader=middle,
        pulse_chart=_pulse_chart(period, leaders, middle), challenges=_challenges(workspace, period, as_of),
        scores=_scores(workspace, period, period.previous()),
        loop=loop_figures(workspace, since=start, until=as_of), raised=loop.raised_between(workspace, start, as_of),
        threads_now=loop.status_counts(workspace),
        themes=themes, themes_total=themes_total, driver=_driver(workspace), stages=stages,
        pilots=[(p, verdict_for(p)) for p in pilots], journeys=_journeys(workspace),
    )
