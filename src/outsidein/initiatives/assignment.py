"""Control groups for pilots: stratified random assignment by segment and size band.

Accounts are put in strata (segment x revenue band within the segment) so that pilot and
control look alike on the two things most likely to move a customer metric on their own.
Every draw comes from `numpy.random.default_rng(seed)` over accounts sorted by id, so the
same seed and the same accounts give the same groups whatever order they arrive in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

UNKNOWN_REVENUE_BAND = -1


@dataclass(frozen=True)
class CandidateAccount:
    id: int
    segment: Hashable | None
    revenue: float | None


@dataclass(frozen=True, order=True)
class Stratum:
    """A segment and a revenue band within it: band 0 is the smallest accounts."""

    segment: str
    band: int
    bands: int

    @property
    def label(self) -> str:
        if self.band == UNKNOWN_REVENUE_BAND:
            size = "revenue unknown"
        elif self.bands == 3:
            size = ("small", "mid-size", "large")[self.band]
        else:
            size = f"revenue band {self.band + 1} of {self.bands}"
        return f"{self.segment}, {size}"


@dataclass(frozen=True)
class StratumAssignment:
    stratum: Stratum
    pilot_ids: list[int]
    control_ids: list[int]
    # Controls wanted for this stratum; more than len(control_ids) when candidates ran out.
    wanted: int = 0

    @property
    def shortfall(self) -> int:
        return max(self.wanted - len(self.control_ids), 0)


@dataclass(frozen=True)
class Assignment:
    pilot_ids: list[int]
    control_ids: list[int]
    seed: int
    strata: list[StratumAssignment] = field(default_factory=list)

    @property
    def unmatched(self) -> list[StratumAssignment]:
        """Strata with fewer control accounts than pilot accounts."""
        return [s for s in self.strata if s.shortfall > 0]

    def as_dict(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "pilot_ids": list(self.pilot_ids),
            "control_ids": list(self.control_ids),
            "strata": [
                {
                    "stratum": s.stratum.label,
                    "pilot_ids": list(s.pilot_ids),
                    "control_ids": list(s.control_ids),
                    "shortfall": s.shortfall,
                }
                for s in self.strata
            ],
            "unmatched": [s.stratum.label for s in self.unmatched],
        }


def assign_strata(accounts: Iterable[CandidateAccount], size_bands: int = 3) -> dict[int, Stratum]:
    """The stratum of each account: its segment and its revenue band (quantiles within the segment).

    Bands come from average ranks, so accounts with equal revenue always share a band.
    Accounts without revenue get a band of their own.
    """
    from scipy.stats import rankdata  # scipy.stats takes ~0.5 s to import: loaded by a draw, not at start-up

    if size_bands < 1:
        raise ValueError(f"size_bands must be at least 1, got {size_bands}")
    by_segment: dict[str, list[CandidateAccount]] = defaultdict(list)
    seen: set[int] = set()
    for account in accounts:
        if account.id in seen:
            raise ValueError(f"account {account.id} is listed twice")
        seen.add(account.id)
        by_segment["no segment" if account.segment is None else str(account.segment)].append(account)

    strata: dict[int, Stratum] = {}
    for segment, members in by_segment.items():
        known = [a for a in members if a.revenue is not None]
        for account in members:
            if account.revenue is None:
                strata[account.id] = Stratum(segment, UNKNOWN_REVENUE_BAND, size_bands)
        if not known:
            continue
        ranks = rankdata([float(a.revenue) for a in known], method="average")  # type: ignore[arg-type]
        for account, rank in zip(known, ranks, strict=True):
            band = min(size_bands - 1, int((rank - 1) * size_bands / len(known)))
            strata[account.id] = Stratum(segment, band, size_bands)
    return strata


def _by_stratum(ids: Iterable[int], strata: dict[int, Stratum]) -> dict[Stratum, list[int]]:
    grouped: dict[Stratum, list[int]] = defaultdict(list)
    for account_id in sorted(ids):
        grouped[strata[account_id]].append(account_id)
    return grouped


def select_control_group(
    candidates: Sequence[CandidateAccount],
    pilot_ids: Collection[int],
    seed: int,
    size_bands: int = 3,
) -> Assignment:
    """Draw, for each stratum, as many control accounts as it has hand-picked pilot accounts.

    candidates: every account that could take part, the pilot accounts included (their segment
    and revenue place them in a stratum). Strata without enough other candidates keep every
    candidate they have and appear in `Assignment.unmatched`.
    """
    known = {a.id for a in candidates}
    pilots = set(pilot_ids)
    missing = sorted(pilots - known)
    if missing:
        raise ValueError(f"pilot account(s) {', '.join(map(str, missing))} are not among the candidates")
    if not pilots:
        raise ValueError("choose at least one pilot account")
    strata = assign_strata(candidates, size_bands)
    pilots_by_stratum = _by_stratum(pilots, strata)
    pool_by_stratum = _by_stratum(known - pilots, strata)

    rng = np.random.default_rng(seed)
    results: list[StratumAssignment] = []
    for stratum in sorted(pilots_by_stratum):
        stratum_pilots = pilots_by_stratum[stratum]
        pool = pool_by_stratum.get(stratum, [])
        take = min(len(stratum_pilots), len(pool))
        chosen = sorted(int(i) for i in rng.choice(pool, size=take, replace=False)) if take else []
        results.append(StratumAssignment(stratum, stratum_pilots, chosen, wanted=len(stratum_pilots)))
    return Assignment(
        pilot_ids=sorted(pilots),
        control_ids=sorted(i for r in results for i in r.control_ids),
        seed=seed,
        strata=results,
    )


def split_pilot_and_control(
    candidates: Sequence[CandidateAccount],
    seed: int,
    pilot_share: float = 0.5,
    size_bands: int = 3,
) -> Assignment:
    """Randomly split candidates into pilot and control within each stratum.

    Each stratum gives round-down(share x size) accounts to the pilot; the accounts left over by
    rounding are handed out across strata so the pilot's total is round(share x all), with
    random tie-breaks, and no stratum's split is off by more than one account.
    """
    if not 0 < pilot_share < 1:
        raise ValueError(f"pilot_share must be between 0 and 1, got {pilot_share}")
    strata = assign_strata(candidates, size_bands)
    groups = _by_stratum(strata, strata)
    ordered = sorted(groups)
    rng = np.random.default_rng(seed)

    sizes = np.array([len(groups[s]) for s in ordered])
    exact = sizes * pilot_share
    pilot_counts = np.floor(exact).astype(int)
    extra = round(sizes.sum() * pilot_share) - int(pilot_counts.sum())
    if extra > 0:
        # Largest remainder first; a random key breaks ties between equal remainders.
        remainders = exact - pilot_counts
        order = np.lexsort((rng.random(len(ordered)), -remainders))
        pilot_counts[order[:extra]] += 1

    results: list[StratumAssignment] = []
    for stratum, count in zip(ordered, pilot_counts, strict=True):
        shuffled = [int(i) for i in rng.permutation(groups[stratum])]
        pilot, control = sorted(shuffled[:count]), sorted(shuffled[count:])
        results.append(StratumAssignment(stratum, pilot, control, wanted=len(control)))
    return Assignment(
        pilot_ids=sorted(i for r in results for i in r.pilot_ids),
        control_ids=sorted(i for r in results for i in r.control_ids),
        seed=seed,
        strata=results,
    )
