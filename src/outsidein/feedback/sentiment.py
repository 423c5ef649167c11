"""Sentiment of feedback text: a score in -1..1 per text, offline, with VADER.

VADER (Hutto & Gilbert 2014, the ``vaderSentiment`` package) is a rule-based scorer whose lexicon ships
inside the package, so it needs no download, no training and no model file, and it handles negation,
intensifiers ("very"), "but" clauses, capitals and exclamation marks. Its compound score is already in
-1..1. Ensembling it with TextBlob's lexicon was measured and scored lower on the Yelp sentences
(docs/benchmarks.md), so the plain compound score is used.

Labels use the thresholds VADER's authors recommend: compound >= 0.05 positive, <= -0.05 negative,
neutral between. Blank texts have no sentiment: their score is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

POSITIVE_FROM = 0.05
NEGATIVE_TO = -0.05

Label = Literal["negative", "neutral", "positive"]


class Analyzer(Protocol):
    """What is used of VADER's ``SentimentIntensityAnalyzer``."""

    def polarity_scores(self, text: str) -> dict[str, float]: ...


@lru_cache(maxsize=1)
def _analyzer() -> Analyzer:
    # Imported lazily: building the analyzer reads the lexicon files (about 0.1 s).
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer: Analyzer = SentimentIntensityAnalyzer()
    return analyzer


def score_text(text: str | None) -> float:
    """Sentiment of one text in -1..1 (NaN for a blank text)."""
    if text is None or not str(text).strip():
        return math.nan
    return float(_analyzer().polarity_scores(str(text))["compound"])


def score_texts(texts: Iterable[str | None]) -> NDArray[np.float64]:
    """Sentiment of every text in -1..1, in order; NaN for blank texts."""
    return np.fromiter((score_text(text) for text in texts), dtype=np.float64)


def label(score: float) -> Label:
    """negative / neutral / positive for a score; a missing score (NaN) is neutral."""
    if score is None or math.isnan(score):
        return "neutral"
    if score >= POSITIVE_FROM:
        return "positive"
    if score <= NEGATIVE_TO:
        return "negative"
    return "neutral"


def labels(scores: Iterable[float]) -> list[Label]:
    return [label(score) for score in scores]
