"""Sentiment scores of customer text (the figures and thresholds pinned here are VADER's)."""

import math
from pathlib import Path

import numpy as np
import pytest

from outsidein.core import embeddings
from outsidein.feedback.sentiment import label, labels, score_text, score_texts

# 200 Yelp review sentences, 110 positive (Kotzias et al., KDD 2015; see data/README.md).
YELP = Path(__file__).parent / "data" / "yelp_sample.txt"


def load_yelp() -> tuple[list[str], np.ndarray]:
    pairs = [line.rsplit("\t", 1) for line in YELP.read_text(encoding="utf-8").splitlines() if line]
    return [text for text, _ in pairs], np.array([int(value) for _, value in pairs])


@pytest.fixture
def vader(monkeypatch):
    """Score with VADER even where sentence embeddings are installed."""
    monkeypatch.setattr(embeddings, "is_available", lambda: False)


def test_review_sentences_are_mostly_scored_on_the_right_side(vader):
    texts, truth = load_yelp()
    scores = score_texts(texts)
    predicted_positive = np.array([label(s) == "positive" for s in scores])
    # Measured 0.81 on this sample (0.817 on all 1,000 sentences).
    assert (predicted_positive == truth.astype(bool)).mean() >= 0.76


def test_scores_lie_between_minus_one_and_one_in_input_order():
    texts, _ = load_yelp()
    scores = score_texts(texts)
    assert scores.shape == (len(texts),)
    assert np.all((scores >= -1) & (scores <= 1))
    # The embeddings scorer encodes a batch padded to its longest text, which moves a score by about 1e-8.
    assert scores[5] == pytest.approx(score_text(texts[5]), abs=1e-6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I love how quickly support fixed my problem!", "positive"),
        ("The new dashboard is great.", "positive"),
        ("Terrible service, I am cancelling my account.", "negative"),
        ("The export is not good at all.", "negative"),
        ("The invoice was sent on Tuesday.", "neutral"),
    ],
)
def test_obvious_sentences_get_the_obvious_label(text, expected):
    assert label(score_text(text)) == expected


def test_negation_and_emphasis_move_the_score():
    assert score_text("The app is good") > 0 > score_text("The app is not good")
    assert score_text("The app is very good!!") > score_text("The app is good")


def test_blank_texts_have_no_score():
    scores = score_texts(["", "   ", None, "Great"])
    assert [math.isnan(s) for s in scores] == [True, True, True, False]
    assert labels(scores) == ["neutral", "neutral", "neutral", "positive"]


def test_label_thresholds(vader):
    assert [label(s) for s in (-1.0, -0.05, -0.0499, 0.0, 0.0499, 0.05, 1.0)] == [
        "negative",
        "negative",
        "neutral",
        "neutral",
        "neutral",
        "positive",
        "positive",
    ]
