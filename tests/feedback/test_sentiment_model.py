"""The sentence-embedding sentiment model, and the fall back to VADER without embeddings."""

import csv
import math
from collections import Counter

import numpy as np
import pytest

from outsidein.core import embeddings
from outsidein.feedback import sentiment, sentiment_model
from outsidein.feedback.sentiment import label, labels, score_text, score_texts, scorer_name

needs_embeddings = pytest.mark.skipif(not embeddings.is_available(), reason="sentence embeddings not installed")


@pytest.fixture(autouse=True)
def embeddings_scorer(settings):
    """The classifier is chosen with OUTSIDEIN_SENTIMENT=embeddings; VADER is the default."""
    settings.SENTIMENT_SCORER = "embeddings"

# None of these is in the training set.
CLEAR = [
    ("Without a doubt the best supplier we have.", "positive"),
    ("I can't fault the engineer.", "positive"),
    ("No problems with the delivery.", "positive"),
    ("The new portal saves our planners an hour a day.", "positive"),
    ("Thank you for sorting the refund so quickly.", "positive"),
    ("Our account manager always picks up the phone.", "positive"),
    ("Lovely staff and the soup was delicious.", "positive"),
    ("The courier did not even knock.", "negative"),
    ("Terrible service, I am cancelling my account.", "negative"),
    ("The export is not good at all.", "negative"),
    ("Third invoice this month with the wrong rate.", "negative"),
    ("Nobody called back, as usual.", "negative"),
    ("The room smelled of smoke and the shower was cold.", "negative"),
    ("Could you send the invoice again?", "neutral"),
    ("The meeting is on Friday at ten.", "neutral"),
    ("We have two sites in Spain.", "neutral"),
    ("Which plan includes the API?", "neutral"),
    ("Please add our new warehouse to the account.", "neutral"),
]


@pytest.fixture
def vader_only(monkeypatch):
    monkeypatch.setattr(embeddings, "is_available", lambda: False)


def test_the_training_set_is_labelled_balanced_and_free_of_repeats():
    with sentiment_model.TRAINING_SET.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts = Counter(row["label"] for row in rows)
    assert set(counts) == set(sentiment_model.CLASSES) and len(rows) >= 7_000
    # Every label well represented; neutral is the rarest, as in feedback.
    assert min(counts.values()) >= 0.2 * len(rows)
    assert len({row["text"].lower() for row in rows}) == len(rows)


@needs_embeddings
def test_clear_sentences_get_the_clear_label():
    # A statistical model is judged on a set: one borderline sentence may go either way, not three.
    assert scorer_name() == "embeddings"
    got = labels(score_texts([text for text, _ in CLEAR]))
    wrong = [(text, expected, found) for (text, expected), found in zip(CLEAR, got, strict=True) if found != expected]
    assert len(wrong) <= 2, wrong


@needs_embeddings
@pytest.mark.parametrize("text", ["They never answer the phone.", "The refund never came."])
def test_a_negated_complaint_vader_scores_neutral_is_negative(text):
    assert sentiment.vader_scores([text])[0] == 0.0  # no word of the text is in VADER's lexicon
    assert label(score_text(text)) == "negative"


@needs_embeddings
def test_scores_lie_in_minus_one_to_one_in_order_and_match_single_scoring():
    texts = [text for text, _ in CLEAR]
    scores = score_texts(texts)
    assert scores.shape == (len(texts),) and np.all((scores >= -1) & (scores <= 1))
    assert scores[3] == pytest.approx(score_text(texts[3]), abs=1e-6)


@needs_embeddings
def test_blank_texts_have_no_score_and_the_model_thresholds_apply():
    scores = score_texts(["", "   ", None, "Great service, thank you"])
    assert [math.isnan(s) for s in scores] == [True, True, True, False]
    assert labels(scores) == ["neutral", "neutral", "neutral", "positive"]
    assert sentiment.thresholds() == (sentiment_model.NEGATIVE_TO, sentiment_model.POSITIVE_FROM)
    assert [label(s) for s in (-0.05, -0.049, 0.049, 0.05)] == ["negative", "neutral", "neutral", "positive"]


def test_without_embeddings_vader_scores_and_labels(vader_only):
    assert scorer_name() == "vader"
    texts = ["They never answer the phone.", "The new dashboard is great.", "", None]
    scores = score_texts(texts)
    np.testing.assert_array_equal(scores, sentiment.vader_scores(texts))
    assert labels(scores) == ["neutral", "positive", "neutral", "neutral"]
    assert sentiment.thresholds() == (sentiment.NEGATIVE_TO, sentiment.POSITIVE_FROM) == (-0.05, 0.05)


def test_vader_is_the_scorer_unless_the_classifier_is_chosen(settings):
    settings.SENTIMENT_SCORER = "vader"
    assert scorer_name() == "vader"
    assert score_text("They never answer the phone.") == 0.0  # VADER's score, not the classifier's


@needs_embeddings
def test_the_trained_model_is_kept_and_read_back_and_a_damaged_file_is_trained_again(tmp_path, monkeypatch):
    texts = [text for text, _ in CLEAR]
    model = sentiment_model.classifier()
    expected = model.predict_proba(texts)
    trainings = []
    monkeypatch.setattr(sentiment_model, "_trained", lambda: trainings.append(1) or model)
    kept = tmp_path / "models" / "sentiment-model.skops"
    monkeypatch.setattr(sentiment_model, "_model_file", lambda: kept)
    earlier = kept.with_name("sentiment-model-of-an-earlier-training-set.skops")
    earlier.parent.mkdir()
    earlier.write_bytes(b"an earlier model")
    sentiment_model.classifier.cache_clear()
    try:
        sentiment_model.classifier()
        assert kept.is_file() and len(trainings) == 1
        assert not earlier.exists()  # forgotten once the new model is kept

        sentiment_model.classifier.cache_clear()
        read_back = sentiment_model.classifier()  # a new process of the same data directory
        assert len(trainings) == 1 and read_back is not model
        np.testing.assert_allclose(read_back.predict_proba(texts), expected, atol=1e-9)

        kept.write_bytes(b"not a model")
        sentiment_model.classifier.cache_clear()
        sentiment_model.classifier()
        assert len(trainings) == 2 and kept.stat().st_size > 1_000_000  # trained again and written anew
        assert [p.name for p in kept.parent.iterdir()] == [kept.name]  # no half-written file left
    finally:
        sentiment_model.classifier.cache_clear()
