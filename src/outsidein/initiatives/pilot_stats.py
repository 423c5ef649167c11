"""Difference-in-differences for a pilot: did the metric move more for pilot accounts than for control?

The estimate is the interaction coefficient of the OLS model

    value ~ treated + post + treated:post

fitted with statsmodels. Responses from one account are not independent (the same customer
answers in both windows, often several people per account), so standard errors are
cluster-robust by account by default (CRV1, t with G - 1 degrees of freedom, G = number
of accounts). docs/analytics/pilots.md explains the choices and the warnings.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np

Group = Literal["pilot", "control"]
Period = Literal["baseline", "pilot"]
Covariance = Literal["cluster", "ols"]

GROUPS: tuple[Group, ...] = ("pilot", "control")
PERIODS: tuple[Period, ...] = ("baseline", "pilot")
COVARIANCES: tuple[Covariance, ...] = ("cluster", "ols")

# Below these counts a cell is too thin to trust: cluster-robust errors are unreliable with
# few accounts, and a handful of responses cannot estimate a cell mean.
MIN_RESPONSES_PER_CELL = 10
MIN_ACCOUNTS_PER_CELL = 5


@dataclass(frozen=True)
class PilotObservation:
    """One measurement: a survey response or a number entered for an account in one window."""

    account_id: Hashable
    group: Group
    period: Period
    value: float


@dataclass(frozen=True)
class CellSummary:
    group: Group
    period: Period
    responses: int
    accounts: int
    mean: float
    sd: float


@dataclass(frozen=True)
class PilotResult:
    effect: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    confidence_level: float
    covariance: Covariance
    degrees_of_freedom: float
    cells: list[CellSummary]
    responses: int
    accounts: int
    pooled_sd: float
    # Smallest true effect these groups detect with the requested power at the requested alpha.
    minimum_detectable_effect: float
    minimum_detectable_effect_unclustered: float
    design_effect: float
    expected_effect: float | None
    power: float
    warnings: list[str] = field(default_factory=list)

    def cell(self, group: Group, period: Period) -> CellSummary:
        for cell in self.cells:
            if cell.group == group and cell.period == period:
                return cell
        raise KeyError((group, period))

    @property
    def is_significant(self) -> bool:
        return self.p_value < 1 - self.confidence_level

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["is_significant"] = self.is_significant
        return data


def _cell_name(group: str, period: str) -> str:
    return f"{group} group, {period} period"


@dataclass(frozen=True)
class _Columns:
    account_codes: np.ndarray  # one integer per distinct account, in order of first appearance
    treated: np.ndarray  # bool: pilot group
    post: np.ndarray  # bool: pilot window
    values: np.ndarray


def _columns(observations: Iterable[PilotObservation | Mapping[str, object]]) -> _Columns:
    """Check every observation and turn them into columns (no per-row objects: pilots get large)."""
    codes: dict[Hashable, int] = {}
    group_of: dict[int, str] = {}
    account_codes: list[int] = []
    treated: list[bool] = []
    post: list[bool] = []
    values: list[float] = []
    for index, item in enumerate(observations):
        if isinstance(item, PilotObservation):
            account_id, group, period, raw = item.account_id, item.group, item.period, item.value
        else:
            try:
                account_id, group, period, raw = (
                    item["account_id"],
                    item["group"],
                    item["period"],
                    item["value"],
                )
            except KeyError as missing:
                raise ValueError(f"observation {index}: missing field {missing.args[0]!r}") from None
        if group not in GROUPS:
            raise ValueError(f"observation {index}: group must be 'pilot' or 'control', got {group!r}")
        if period not in PERIODS:
            raise ValueError(f"observation {index}: period must be 'baseline' or 'pilot', got {period!r}")
        if account_id is None:
            raise ValueError(f"observation {index}: account_id is missing")
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"observation {index}: value {raw!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"observation {index}: value {raw!r} is not a finite number")
        code = codes.setdefault(account_id, len(codes))
        if group_of.setdefault(code, group) != group:  # type: ignore[arg-type]
            raise ValueError(f"account {account_id!r} appears in both the pilot and the control group")
        account_codes.append(code)
        treated.append(group == "pilot")
        post.append(period == "pilot")
        values.append(value)
    return _Columns(
        account_codes=np.array(account_codes, dtype=np.int64),
        treated=np.array(treated, dtype=bool),
        post=np.array(post, dtype=bool),
        values=np.array(values, dtype=float),
    )


def _minimum_detectable_effect(
    pooled_sd: float, cells: Mapping[tuple[str, str], CellSummary], alpha: float, power: float
) -> float:
    """MDE of the DiD contrast from the pooled SD and the responses per cell.

    Var(DiD) = sd**2 * sum(1/n_cell). A two-sample t-test with n1 = 1/(1/n_pb + 1/n_pp) and
    n2 = 1/(1/n_cb + 1/n_cp) has exactly that variance, so statsmodels' two-sample power solver
    gives the standardised effect, which the pooled SD turns into the metric's units.
    """
    n_pilot = 1 / (1 / cells["pilot", "baseline"].responses + 1 / cells["pilot", "pilot"].responses)
    n_control = 1 / (1 / cells["control", "baseline"].responses + 1 / cells["control", "pilot"].responses)
    if pooled_sd == 0:
        return 0.0
    if n_pilot + n_control <= 2:
        return math.inf
    # statsmodels takes most of a second to import, so it is loaded when a pilot is computed, not at start-up.
    from statsmodels.stats.power import TTestIndPower

    standardised = TTestIndPower().solve_power(
        effect_size=None, nobs1=n_pilot, ratio=n_control / n_pilot, alpha=alpha, power=power
    )
    return float(np.squeeze(standardised)) * pooled_sd


def difference_in_differences(
    observations: Iterable[PilotObservation | Mapping[str, object]],
    *,
    expected_effect: float | None = None,
    covariance: Covariance = "cluster",
    alpha: float = 0.05,
    power: float = 0.8,
    min_responses_per_cell: int = MIN_RESPONSES_PER_CELL,
    min_accounts_per_cell: int = MIN_ACCOUNTS_PER_CELL,
) -> PilotResult:
    """Estimate a pilot's effect on its metric from long-format observations.

    observations: records with account_id, group ("pilot"/"control"), period
    ("baseline"/"pilot") and value, as `PilotObservation`s or mappings.
    expected_effect: the change the team hopes to see, in the metric's units; when the groups
    are too small to detect it, the result carries a warning.
    """
    if covariance not in COVARIANCES:
        raise ValueError(f"covariance must be one of {', '.join(COVARIANCES)}, got {covariance!r}")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power must be between 0 and 1")
    columns = _columns(observations)

    cells: dict[tuple[str, str], CellSummary] = {}
    for group in GROUPS:
        for period in PERIODS:
            in_cell = (columns.treated == (group == "pilot")) & (columns.post == (period == "pilot"))
            values = columns.values[in_cell]
            if values.size == 0:
                raise ValueError(f"no observations in the {_cell_name(group, period)}")
            cells[group, period] = CellSummary(
                group=group,
                period=period,
                responses=int(values.size),
                accounts=int(np.unique(columns.account_codes[in_cell]).size),
                mean=float(values.mean()),
                sd=float(values.std(ddof=1)) if values.size > 1 else 0.0,
            )
    if columns.values.size <= 4:
        raise ValueError("each cell has a single observation: at least one cell needs more to estimate an error")

    y = columns.values
    treated = columns.treated.astype(float)
    post = columns.post.astype(float)
    design = np.column_stack([np.ones_like(y), treated, post, treated * post])

    import statsmodels.api as sm  # loaded here, not at start-up: see _minimum_detectable_effect

    model = sm.OLS(y, design)
    plain = model.fit(use_t=True)
    pooled_sd = math.sqrt(plain.mse_resid)
    if pooled_sd <= 1e-12 * max(1.0, float(np.abs(y).max())):
        raise ValueError("every value is the same within each cell: there is no variation to test")
    notes: list[str] = []
    accounts_per_group = [
        np.unique(columns.account_codes[columns.treated == is_pilot]).size for is_pilot in (True, False)
    ]
    if covariance == "cluster" and min(accounts_per_group) < 2:
        # With one account in a group, the clustered variance of the contrast collapses to ~0.
        notes.append(
            "Errors clustered by account need at least 2 accounts in each group; plain OLS errors are "
            "shown instead, which treat every response as independent and so understate the uncertainty."
        )
        covariance = "ols"
    if covariance == "cluster":
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": columns.account_codes}, use_t=True)
        df = float(fit.df_resid_inference)
    else:
        fit = plain
        df = float(fit.df_resid)
    effect = float(fit.params[3])
    std_error = float(fit.bse[3])
    ci_low, ci_high = (float(v) for v in fit.conf_int(alpha=alpha)[3])
    p_value = float(fit.pvalues[3])

    mde_plain = _minimum_detectable_effect(pooled_sd, cells, alpha, power)
    # Correlated responses within an account carry less information than their count suggests;
    # the variance inflation seen in the fit scales the MDE to the test actually run.
    design_effect = max(1.0, (std_error / float(plain.bse[3])) ** 2) if covariance == "cluster" else 1.0
    mde = mde_plain * math.sqrt(design_effect)

    warnings = notes + _warnings(
        cells, expected_effect, mde, alpha, power, min_responses_per_cell, min_accounts_per_cell
    )
    return PilotResult(
        effect=effect,
        std_error=std_error,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        confidence_level=1 - alpha,
        covariance=covariance,
        degrees_of_freedom=df,
        cells=[cells[g, p] for g in GROUPS for p in PERIODS],
        responses=int(y.size),
        accounts=int(np.unique(columns.account_codes).size),
        pooled_sd=pooled_sd,
        minimum_detectable_effect=mde,
        minimum_detectable_effect_unclustered=mde_plain,
        design_effect=design_effect,
        expected_effect=expected_effect,
        power=power,
        warnings=warnings,
    )


def difference_in_differences_from_arrays(
    account_id: Sequence[Hashable],
    group: Sequence[str],
    period: Sequence[str],
    value: Sequence[float],
    **options: object,
) -> PilotResult:
    """The same as `difference_in_differences`, from four parallel columns."""
    lengths = {len(account_id), len(group), len(period), len(value)}
    if len(lengths) != 1:
        raise ValueError("account_id, group, period and value must have the same length")
    records = (
        {"account_id": a, "group": g, "period": p, "value": v}
        for a, g, p, v in zip(account_id, group, period, value, strict=True)
    )
    return difference_in_differences(records, **options)  # type: ignore[arg-type]


def _warnings(
    cells: Mapping[tuple[str, str], CellSummary],
    expected_effect: float | None,
    mde: float,
    alpha: float,
    power: float,
    min_responses: int,
    min_accounts: int,
) -> list[str]:
    warnings: list[str] = []
    if expected_effect is not None and math.isinf(mde):
        warnings.append(
            f"The groups are too small to detect the expected effect of {expected_effect:g}: "
            "there are too few responses to detect any effect."
        )
    elif expected_effect is not None and abs(expected_effect) < mde:
        warnings.append(
            f"The groups are too small to detect the expected effect of {expected_effect:g}: "
            f"at alpha {alpha:g} with power {power:g} the smallest detectable effect is {mde:.3g}."
        )
    for (group, period), cell in cells.items():
        short = []
        if cell.responses < min_responses:
            short.append((f"{cell.responses} response(s)", f"{min_responses} responses"))
        if cell.accounts < min_accounts:
            short.append((f"{cell.accounts} account(s)", f"{min_accounts} accounts"))
        if short:
            warnings.append(
                f"Only {' and '.join(have for have, _ in short)} in the {_cell_name(group, period)} "
                f"(at least {' and '.join(need for _, need in short)} recommended)."
            )
    return warnings


# An effect equal to the minimum detectable effect has the target power up to the solver's precision.
POWER_TOLERANCE = 1e-4


@dataclass(frozen=True)
class GroupSizing:
    """How well a pilot's groups detect an effect of a given size, and how many accounts would be enough."""

    effect: float
    power: float  # chance of a clear result (interval clear of zero) if the true effect is `effect`
    target_power: float
    pilot_accounts: int
    control_accounts: int
    pilot_accounts_needed: int | None  # None: no number of accounts would do (no responses to size from)
    control_accounts_needed: int | None

    @property
    def is_enough(self) -> bool:
        return self.power >= self.target_power - POWER_TOLERANCE

    @property
    def more_pilot_accounts(self) -> int | None:
        return None if self.pilot_accounts_needed is None else max(0, self.pilot_accounts_needed - self.pilot_accounts)

    @property
    def more_control_accounts(self) -> int | None:
        if self.control_accounts_needed is None:
            return None
        return max(0, self.control_accounts_needed - self.control_accounts)


def _field(result: PilotResult | Mapping[str, object], name: str) -> object:
    return getattr(result, name) if isinstance(result, PilotResult) else result[name]


def size_groups(result: PilotResult | Mapping[str, object], effect: float) -> GroupSizing:
    """The power of a computed pilot to detect `effect`, and the accounts per group that would reach its target.

    Works on a `PilotResult` or its stored `as_dict()`. The same two-sample equivalence as the minimum
    detectable effect (see `_minimum_detectable_effect`), with the design effect shrinking the responses to
    what they are worth. Growing the groups is assumed to keep the responses per account and the design effect,
    so the accounts needed scale like the effective responses needed.
    """
    cells = {(c.group, c.period): c for c in (
        CellSummary(**c) if isinstance(c, Mapping) else c for c in _field(result, "cells"))}  # type: ignore[union-attr]
    alpha = 1 - float(_field(result, "confidence_level"))  # type: ignore[arg-type]
    target = float(_field(result, "power"))  # type: ignore[arg-type]
    design_effect = float(_field(result, "design_effect"))  # type: ignore[arg-type]
    pooled_sd = float(_field(result, "pooled_sd"))  # type: ignore[arg-type]
    accounts = {g: max(cells[g, p].accounts for p in PERIODS) for g in GROUPS}
    n_pilot = 1 / (1 / cells["pilot", "baseline"].responses + 1 / cells["pilot", "pilot"].responses)
    n_control = 1 / (1 / cells["control", "baseline"].responses + 1 / cells["control", "pilot"].responses)
    n_effective, ratio = n_pilot / design_effect, n_control / n_pilot
    standardised = abs(effect) / (pooled_sd * math.sqrt(design_effect)) if pooled_sd > 0 else math.inf
    if standardised == 0 or n_effective * (1 + ratio) <= 2:
        return GroupSizing(effect, 0.0 if standardised == 0 else float("nan"), target, accounts["pilot"],
                           accounts["control"], None, None)

    from statsmodels.stats.power import TTestIndPower  # loaded on use: see _minimum_detectable_effect

    solver = TTestIndPower()
    power_now = float(np.squeeze(solver.power(effect_size=standardised, nobs1=n_effective, ratio=ratio,
                                              alpha=alpha)))
    if power_now >= target - POWER_TOLERANCE:
        return GroupSizing(effect, power_now, target, accounts["pilot"], accounts["control"],
                           accounts["pilot"], accounts["control"])
    needed = float(np.squeeze(solver.solve_power(effect_size=standardised, nobs1=None, ratio=ratio, alpha=alpha,
                                                 power=target)))
    scale = needed / n_effective
    return GroupSizing(effect, power_now, target, accounts["pilot"], accounts["control"],
                       math.ceil(scale * accounts["pilot"]), math.ceil(scale * accounts["control"]))
