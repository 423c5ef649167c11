"""The gap between belief and evidence at a touchpoint, in plain numbers.

What we believe is a five-point rating (badly -2 … very well +2), read on the sentiment scale as -1 … +1; what
customers experience is the mean sentiment (-1 … +1) of the evidence accepted for the touchpoint. The gap is
belief minus experience: 0.9 means we think the moment works far better than customers say it does, a negative
gap that it works better than we think. A gap over fewer than ``MIN_EVIDENCE`` pieces of evidence is shown but
never called out as the widest: two angry e-mails are a lead, not a finding.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

MIN_EVIDENCE = 3
NOTABLE_GAP = 0.5  # a gap this wide or wider is marked as pain on the canvas
PAINFUL_SENTIMENT = -0.25  # evidence this negative on average is pain whatever we believe


@dataclass(frozen=True)
class TouchpointFigures:
    touchpoint_id: int
    belief: int  # -2 … 2
    evidence: int  # accepted pieces of evidence
    first_hand: int  # of them, highlights from conversations (heard by a member) rather than feedback relayed
    sentiment: float | None  # mean sentiment of the evidence that has one
    revenue: Decimal | None  # annual revenue of the distinct accounts behind the evidence

    @property
    def believed(self) -> float:
        return self.belief / 2

    @property
    def gap(self) -> float | None:
        return None if self.sentiment is None else round(self.believed - self.sentiment, 3)

    @property
    def first_hand_share(self) -> float | None:
        return self.first_hand / self.evidence if self.evidence else None

    @property
    def enough(self) -> bool:
        return self.evidence >= MIN_EVIDENCE and self.sentiment is not None

    @property
    def painful(self) -> bool:
        """Customers experience it as bad, or far worse than we believe."""
        if not self.enough or self.sentiment is None:
            return False
        return self.sentiment <= PAINFUL_SENTIMENT or (self.gap or 0) >= NOTABLE_GAP


def widest_gap(figures: Iterable[TouchpointFigures]) -> TouchpointFigures | None:
    """The touchpoint where belief and evidence differ most (either way), among those with enough evidence."""
    ranked = [f for f in figures if f.enough and f.gap is not None]
    return max(ranked, key=lambda f: (abs(f.gap or 0), f.evidence, -f.touchpoint_id), default=None)
