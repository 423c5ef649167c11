"""Sentiment from sentence embeddings: a small classifier trained on the project's own labelled sentences.

Each text becomes its all-MiniLM-L6-v2 sentence embedding (384 numbers, ``outsidein.core.embeddings``) plus
VADER's compound score and its positive, negative and neutral shares, and three small neural networks (two
hidden layers of 256 and 64, L2 penalty 0.01, early stopping; seeds 0-2) give P(negative), P(neutral) and
P(positive), averaged. They are trained on ``sentiment_data/customer_sentences.csv``, 7,533 customer-feedback
sentences written for this project (see the README beside it), the first time a process needs them: about
10 s on two cores. Encoding the sentences takes 15-20 s, so their embeddings are kept in the data directory's
models folder, named by the CSV's digest and checked against a probe sentence, and later processes read them in
milliseconds. No model file is shipped: the CSV is the model.

Score, in -1..1: (P(positive) − P(negative)) × (1 − P(neutral)), the lean between positive and negative shrunk
by how likely the text is to carry no sentiment at all. Labels: score >= 0.05 positive, <= -0.05 negative,
neutral between.

How it was chosen, on the training sentences only: the sentences came in nine parts (the first 1,110 of
business feedback; then food, hospitality, retail, services, one-line reviews, contrast and sarcasm, felt
experience, concrete qualities), and each candidate was trained on eight parts and tested on the ninth, so
what counts is how it does on a kind of text it has not seen. Accuracy on the positive and negative sentences
of the unseen part, averaged over the nine: logistic regression on the embedding and the compound score
(C = 8, the earlier model) 0.770, three-way macro-F1 0.716; one network 0.792 / 0.762; three averaged
0.806 / 0.768. The thresholds are the best of 0.05-0.30 by 5-fold cross-validation (macro-F1 0.763 at 0.05,
0.749 at 0.15).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.neural_network import MLPClassifier

from outsidein.core import embeddings
from outsidein.core.embeddings import models_dir, write_in_place

TRAINING_SET = Path(__file__).parent / "sentiment_data" / "customer_sentences.csv"
CLASSES = ("negative", "neutral", "positive")
POSITIVE_FROM = 0.05
NEGATIVE_TO = -0.05
HIDDEN = (256, 64)
ALPHA = 1e-2
NETWORKS = 3
PROBE = "The parcel arrived on Tuesday."


def training_set() -> tuple[list[str], list[str]]:
    """The shipped sentences and their labels, in file order."""
    with TRAINING_SET.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [row["label"] for row in rows]


def _cache_file() -> Path:
    digest = hashlib.sha256(TRAINING_SET.read_bytes()).hexdigest()[:16]
    return models_dir() / f"sentiment-training-{embeddings.vectors_key()}-{digest}.npy"


def _training_vectors(texts: list[str]) -> NDArray[np.float32]:
    """The training sentences' embeddings, read from the data directory when kept there by an earlier process."""
    # The last row is a probe sentence's vector: if the encoder has changed since the file was written, the
    # probe no longer matches and the sentences are encoded again.
    probe = embeddings.encode([PROBE])[0]
    path = _cache_file()
    try:
        kept: NDArray[np.float32] = np.load(path, allow_pickle=False)
        if kept.shape == (len(texts) + 1, probe.shape[0]) and np.allclose(kept[-1], probe, atol=1e-6):
            return kept[:-1]
    except (OSError, ValueError):
        pass
    vectors = embeddings.encode(texts)
    kept = np.vstack([vectors, probe[None, :]])
    # A data directory that cannot be written only costs the next process the encoding again.
    with contextlib.suppress(OSError):
        write_in_place(path, lambda partial: np.save(partial, kept, allow_pickle=False))
    return vectors


def _features(texts: Sequence[str], vectors: NDArray[np.floating] | None = None) -> NDArray[np.float64]:
    # Imported here: the VADER module imports this one lazily, and the other way round would be a cycle.
    from outsidein.feedback.sentiment import vader_parts

    if vectors is None:
        vectors = embeddings.encode(list(texts))
    return np.hstack([vectors.astype(np.float64), vader_parts(texts)])


class Classifier:
    """A few small neural networks, differently seeded, whose probabilities are averaged: one network's
    accuracy on a kind of text it was not trained on swings by a point or two with its seed, the average's less."""

    def __init__(self, features: NDArray[np.float64], classes: NDArray[np.int64]) -> None:
        self.networks = [MLPClassifier(HIDDEN, alpha=ALPHA, max_iter=300, early_stopping=True, random_state=seed)
                         .fit(features, classes) for seed in range(NETWORKS)]

    def predict_proba(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        result: NDArray[np.float64] = np.mean([net.predict_proba(features) for net in self.networks], axis=0)
        return result


@lru_cache(maxsize=1)
def classifier() -> Classifier:
    """The classifier, trained once per process (seeded, so every process has the same one); its classes are
    CLASSES in order."""
    texts, labels = training_set()
    return Classifier(_features(texts, _training_vectors(texts)), np.array([CLASSES.index(label) for label in labels]))


def probabilities(texts: Sequence[str]) -> NDArray[np.float64]:
    """P(negative), P(neutral), P(positive) per text (one row each); texts are encoded in one batch."""
    if not texts:
        return np.zeros((0, len(CLASSES)))
    result: NDArray[np.float64] = classifier().predict_proba(_features(texts))
    return result


def scores(texts: Sequence[str]) -> NDArray[np.float64]:
    """The score in -1..1 of every (non-blank) text, in order."""
    p = probabilities(texts)
    negative, neutral, positive = p[:, 0], p[:, 1], p[:, 2]
    result: NDArray[np.float64] = (positive - negative) * (1.0 - neutral)
    return result
