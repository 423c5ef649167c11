"""Sentiment accuracy on the Yelp review sentences and scoring time: VADER beside the embeddings model.

    python bench/sentiment.py

Data: the Yelp part of "Sentiment Labelled Sentences" (Kotzias et al., "From Group to Individual Labels
using Deep Features", KDD 2015): 1,000 sentences, 500 positive and 500 negative, read from ../shared/data
(override with OUTSIDEIN_DATA). Nothing is trained or tuned on it: VADER is a fixed lexicon and rules, and the
embeddings model (``outsidein.feedback.sentiment_model``) is trained on the project's own sentences, with its
thresholds chosen by cross-validation on them. If TextBlob happens to be importable, its lexicon and a plain
average with VADER are scored too.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("OUTSIDEIN_DATA_DIR", str(ROOT / "var"))

from outsidein.core import embeddings  # noqa: E402
from outsidein.feedback import sentiment, sentiment_model  # noqa: E402

DATA = Path(os.environ.get("OUTSIDEIN_DATA", ROOT.parent / "shared" / "data"))


def yelp() -> tuple[list[str], np.ndarray]:
    lines = (DATA / "sentiment" / "yelp_labelled.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.rsplit("\t", 1) for line in lines if line.strip()]
    return [text for text, _ in pairs], np.array([int(value) for _, value in pairs])


def report(name: str, truth: np.ndarray, scores: np.ndarray, positive_from: float) -> None:
    # Binary truth, so a sentence counts as predicted positive when its label is "positive" (score at or
    # above the scorer's threshold); neutral counts as "not positive".
    for rule, predicted in (
        (f"positive if score >= {positive_from}", scores >= positive_from),
        ("positive if score >= 0", scores >= 0),
    ):
        accuracy = accuracy_score(truth, predicted)
        macro_f1 = f1_score(truth, predicted, average="macro")
        print(f"  {name:<22} {rule:<28} accuracy {accuracy:.3f}  macro-F1 {macro_f1:.3f}")


def three_way(scores: np.ndarray, negative_to: float, positive_from: float) -> str:
    counts = Counter(
        "positive" if s >= positive_from else "negative" if s <= negative_to else "neutral" for s in scores
    )
    return ", ".join(f"{name} {counts[name]}" for name in ("positive", "neutral", "negative"))


def timed(name: str, score: Callable[[list[str]], np.ndarray], texts: list[str]) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    score(texts)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"  {name:<22} {len(texts):,} texts: {1000 * seconds / len(texts) * 1000:,.0f} ms wall per 1,000 texts, "
        f"{1000 * cpu / len(texts) * 1000:,.0f} ms CPU (load average {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    texts, truth = yelp()
    print(f"Yelp sentences: {len(texts):,} ({truth.sum()} positive)")
    vader = sentiment.vader_scores(texts)
    report("VADER", truth, vader, sentiment.POSITIVE_FROM)
    print(f"  three-way labels: {three_way(vader, sentiment.NEGATIVE_TO, sentiment.POSITIVE_FROM)}; "
          f"score exactly 0 (no lexicon word): {(vader == 0).mean():.1%}")
    model: np.ndarray | None = None
    if embeddings.is_available():
        started = time.perf_counter()
        sentiment_model.classifier()
        print(f"  (embeddings model loaded, trained or read back, in {time.perf_counter() - started:.1f} s)")
        model = sentiment_model.scores(texts)
        report("embeddings model", truth, model, sentiment_model.POSITIVE_FROM)
        print(f"  three-way labels: "
              f"{three_way(model, sentiment_model.NEGATIVE_TO, sentiment_model.POSITIVE_FROM)}")
    else:
        print("  embeddings model: not installed, skipped")
    try:
        from textblob.en.sentiments import PatternAnalyzer
    except ImportError:
        pass
    else:
        analyzer = PatternAnalyzer()
        pattern = np.array([analyzer.analyze(t).polarity for t in texts])
        report("TextBlob (Pattern)", truth, pattern, sentiment.POSITIVE_FROM)
        report("mean of VADER and it", truth, (vader + pattern) / 2, sentiment.POSITIVE_FROM)

    print("time:")
    # VADER scores each text on its own, so repeating the sentences times it fairly; the encoder scores
    # a repeated text once, so the model is timed on the 1,000 distinct sentences.
    timed("VADER", sentiment.vader_scores, texts * 10)
    if model is not None:
        timed("embeddings model", sentiment_model.scores, texts)


if __name__ == "__main__":
    main()
