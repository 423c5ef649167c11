"""Sentiment of feedback text: a score in -1..1 per text and a label, offline.

Two scorers; ``scorer_name()`` says which one is in use:

- ``"embeddings"`` (chosen with OUTSIDEIN_SENTIMENT=embeddings, where ``outsidein.core.embeddings`` is
  installed): small neural networks on each text's sentence embedding plus VADER's scores, trained on the
  project's own labelled customer sentences
  (``sentiment_model``, where the method and its validated figures are described). Labels: score >= 0.05
  positive, <= -0.05 negative (``sentiment_model.POSITIVE_FROM`` / ``NEGATIVE_TO``).
- ``"vader"`` by default: VADER (Hutto & Gilbert 2014, the ``vaderSentiment`` package), a rule-based scorer whose
  lexicon ships inside the package, so it needs no download, no training and no model file, and it handles
  negation, intensifiers ("very"), "but" clauses, capitals and exclamation marks. Its compound score is already
  in -1..1. Ensembling it with TextBlob's lexicon was measured and scored lower on the Yelp sentences
  (docs/benchmarks.md), so the plain compound score is used. Labels use the thresholds VADER's authors
  recommend (``POSITIVE_FROM`` / ``NEGATIVE_TO`` here): compound >= 0.05 positive, <= -0.05 negative.

``label`` applies the thresholds of the scorer in use. Blank texts have no sentiment: their score is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from outsidein.core import embeddings

# VADER's thresholds; the embeddings scorer has its own (``thresholds()`` gives the ones in use).
POSITIVE_FROM = 0.05
NEGATIVE_TO = -0.05

Label = Literal["negative", "neutral", "positive"]
Scorer = Literal["embeddings", "vader"]


class Analyzer(Protocol):
    """What is used of VADER's ``SentimentIntensityAnalyzer``."""

    def polarity_scores(self, text: str) -> dict[str, float]: ...


@lru_cache(maxsize=1)
def _analyzer() -> Analyzer:
    # Imported lazily: building the analyzer reads the lexicon files (about 0.1 s).
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer: Analyzer = SentimentIntensityAnalyzer()
    return analyzer


@lru_cache(maxsize=2)
def _answer(check: Callable[[], bool]) -> bool:
    return check()


def scorer_name() -> Scorer:
    """Which scorer ``score_text``/``score_texts`` use: the embeddings classifier where it is chosen
    (``SENTIMENT_SCORER``, OUTSIDEIN_SENTIMENT) and the model is installed, else VADER."""
    from django.conf import settings

    if getattr(settings, "SENTIMENT_SCORER", "vader") != "embeddings":
        return "vader"
    # Asking the import system takes about 2 ms, too slow for labelling a page of scores, so the answer is kept
    # per check function (a check replaced in a test is asked anew).
    return "embeddings" if _answer(embeddings.is_available) else "vader"


def thresholds() -> tuple[float, float]:
    """(negative up to, positive from) for the scorer in use."""
    if scorer_name() == "embeddings":
        from outsidein.feedback import sentiment_model

        return sentiment_model.NEGATIVE_TO, sentiment_model.POSITIVE_FROM
    return NEGATIVE_TO, POSITIVE_FROM


def _blank(text: str | None) -> bool:
    return text is None or not str(text).strip()


def vader_scores(texts: Iterable[str | None]) -> NDArray[np.float64]:
    """VADER's compound score of every text, whatever the scorer in use; NaN for blank texts."""
    analyzer = _analyzer()
    return np.fromiter(
        (math.nan if _blank(text) else analyzer.polarity_scores(str(text))["compound"] for text in texts),
        dtype=np.float64,
    )


VADER_PARTS = ("compound", "pos", "neg", "neu")


def vader_parts(texts: Iterable[str | None]) -> NDArray[np.float64]:
    """VADER's compound score and its positive, negative and neutral shares, a row per text (NaN if blank)."""
    analyzer = _analyzer()
    rows = [[math.nan] * len(VADER_PARTS) if _blank(text)
            else [analyzer.polarity_scores(str(text))[part] for part in VADER_PARTS] for text in texts]
    return np.array(rows, dtype=np.float64).reshape(-1, len(VADER_PARTS))


def score_text(text: str | None) -> float:
    """Sentiment of one text in -1..1 (NaN for a blank text)."""
    return float(score_texts([text])[0])


def score_texts(texts: Iterable[str | None]) -> NDArray[np.float64]:
    """Sentiment of every text in -1..1, in order; NaN for blank texts. The texts are encoded in one batch."""
    texts = list(texts)
    if scorer_name() == "vader":
        return vader_scores(texts)
    from outsidein.feedback import sentiment_model

    result = np.full(len(texts), math.nan)
    present = [i for i, text in enumerate(texts) if not _blank(text)]
    if present:
        result[present] = sentiment_model.scores([str(texts[i]) for i in present])
    return result


def _label(score: float | None, negative_to: float, positive_from: float) -> Label:
    if score is None or math.isnan(score):
        return "neutral"
    if score >= positive_from:
        return "positive"
    if score <= negative_to:
        return "negative"
    return "neutral"


def label(score: float) -> Label:
    """negative / neutral / positive for a score, by the thresholds of the scorer in use; NaN is neutral."""
    return _label(score, *thresholds())


def labels(scores: Iterable[float]) -> list[Label]:
    limits = thresholds()
    return [_label(score, *limits) for score in scores]
