"""How far a theme reaches: the NPS answers and detractors among its items, and how many accounts are behind it
and how few of them carry most of its revenue.

Counting these reads every member of every theme (a million rows in a large workspace), so it is done when the
theme figures are computed (voice.themes_services.refresh_theme_figures, a background step) and stored on the
theme; pages read the stored numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Model, QuerySet
from django.db.models.functions import Coalesce

from outsidein.core.scoping import scoped
from outsidein.customers.models import Account
from outsidein.insights.analysis.scores import DETRACTOR_MAX
from outsidein.insights.models import Theme, ThemeMember
from outsidein.workspaces.models import Workspace

CARRIER_SHARE = 0.8  # "80% of it from 3 accounts"


@dataclass(frozen=True)
class Concentration:
    """How the revenue at stake is spread: over how many accounts, and how few of them carry most of it."""

    accounts: int  # distinct accounts behind it
    carriers: int  # the fewest of them whose revenue makes CARRIER_SHARE of it
    at_stake: float  # their revenue, counted once each

    @property
    def single(self) -> bool:
        return self.accounts == 1

    @property
    def text(self) -> str:
        if not self.accounts or self.at_stake <= 0:
            return ""
        if self.single:
            return "all of it from 1 account"
        return f"{CARRIER_SHARE:.0%} of it from {self.carriers} of {self.accounts} accounts"


NO_CONCENTRATION = Concentration(0, 0, 0.0)


@dataclass(frozen=True)
class Reach:
    nps_answers: int
    detractors: int
    accounts: int
    carrying_accounts: int


def _sql(queryset: QuerySet[Model, object]) -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def count_reach(workspace: Workspace, theme_ids: Iterable[int]) -> dict[int, Reach]:
    """Detractors and concentration of each theme: one query over their members, for the theme analysis.

    The members are read once (a CTE): their NPS answers are counted per theme, and the distinct (theme,
    account) pairs are ranked by revenue with a running total (window functions), so no member row reaches
    Python and each theme gives one row: how many accounts are behind it and how few carry 80% of its revenue.
    """
    ids = list(theme_ids) or [0]
    members_sql, params = _sql(
        scoped(ThemeMember, workspace).filter(theme_id__in=ids).order_by()
        .annotate(raiser=Coalesce("feedback_item__account_id", "highlight__conversation__account_id"),
                  answer=F("feedback_item__nps"))
        .values_list("theme_id", "raiser", "answer"))
    account = connection.ops.quote_name(Account._meta.db_table)
    sql = f"""
        WITH members (theme_id, raiser, answer) AS ({members_sql}),
        answers AS (
            SELECT theme_id, COUNT(answer) AS answers,
                   SUM(CASE WHEN answer <= {DETRACTOR_MAX} THEN 1 ELSE 0 END) AS detractors
            FROM members GROUP BY theme_id
        ),
        pairs AS (SELECT DISTINCT theme_id, raiser FROM members WHERE raiser IS NOT NULL),
        ranked AS (
            SELECT p.theme_id AS theme_id,
                   ROW_NUMBER() OVER (PARTITION BY p.theme_id ORDER BY COALESCE(a.annual_revenue, 0) DESC, a.id)
                       AS position,
                   SUM(COALESCE(a.annual_revenue, 0)) OVER (
                       PARTITION BY p.theme_id ORDER BY COALESCE(a.annual_revenue, 0) DESC, a.id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
                   SUM(COALESCE(a.annual_revenue, 0)) OVER (PARTITION BY p.theme_id) AS total
            FROM pairs p JOIN {account} a ON a.id = p.raiser
        ),
        spread AS (
            SELECT theme_id, COUNT(*) AS accounts,
                   MIN(CASE WHEN running >= {CARRIER_SHARE} * total THEN position END) AS carriers,
                   MAX(total) AS at_stake
            FROM ranked GROUP BY theme_id
        )
        SELECT n.theme_id, n.answers, n.detractors, s.accounts, s.carriers, s.at_stake
        FROM answers n LEFT JOIN spread s ON s.theme_id = n.theme_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {theme_id: Reach(int(answered or 0), int(detracting or 0), int(accounts or 0), int(carriers or 0))
            for theme_id, answered, detracting, accounts, carriers, _ in rows}


def store_reach(workspace: Workspace, themes: dict[int, Theme]) -> None:
    """Count the reach of ``themes`` and set it on them (the caller saves them)."""
    reach = count_reach(workspace, list(themes))
    for pk, theme in themes.items():
        r = reach.get(pk, Reach(0, 0, 0, 0))
        theme.nps_answers, theme.detractors = r.nps_answers, r.detractors
        theme.accounts, theme.carrying_accounts = r.accounts, r.carrying_accounts


REACH_FIELDS = ["nps_answers", "detractors", "accounts", "carrying_accounts"]
