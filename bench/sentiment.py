"""Sentiment accuracy on the Yelp review sentences and scoring throughput.

    python bench/sentiment.py

Data: the Yelp part of "Sentiment Labelled Sentences" (Kotzias et al., "From Group to Individual Labels
using Deep Features", KDD 2015): 1,000 sentences, 500 positive and 500 negative, read from ../shared/data
(override with OUTSIDEIN_DATA). Nothing is trained on it: the scorer is VADER's fixed lexicon and rules.
If TextBlob happens to be importable, its lexicon and a plain average with VADER are scored too.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from outsidein.feedback.sentiment import POSITIVE_FROM, labels, score_texts  # noqa: E402

DATA = Path(os.environ.get("OUTSIDEIN_DATA", ROOT.parent / "shared" / "data"))


def yelp() -> tuple[list[str], np.ndarray]:
    lines = (DATA / "sentiment" / "yelp_labelled.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.rsplit("\t", 1) for line in lines if line.strip()]
    return [text for text, _ in pairs], np.array([int(value) for _, value in pairs])


def report(name: str, truth: np.ndarray, scores: np.ndarray) -> None:
    # Binary truth, so a sentence counts as predicted positive when its label is "positive"
    # (score >= 0.05, VADER's documented threshold); neutral counts as "not positive".
    for rule, predicted in (
        (f"positive if score >= {POSITIVE_FROM}", scores >= POSITIVE_FROM),
        ("positive if score >= 0", scores >= 0),
    ):
        accuracy = accuracy_score(truth, predicted)
        macro_f1 = f1_score(truth, predicted, average="macro")
        print(f"  {name:<22} {rule:<28} accuracy {accuracy:.3f}  macro-F1 {macro_f1:.3f}")


def main() -> None:
    texts, truth = yelp()
    print(f"Yelp sentences: {len(texts):,} ({truth.sum()} positive)")
    scores = score_texts(texts)
    report("VADER (default)", truth, scores)
    counts = Counter(labels(scores))
    print(
        "  three-way labels: "
        + ", ".join(f"{name} {counts[name]}" for name in ("positive", "neutral", "negative"))
        + f"; score exactly 0 (no lexicon word): {(scores == 0).mean():.1%}"
    )
    try:
        from textblob.en.sentiments import PatternAnalyzer
    except ImportError:
        pass
    else:
        analyzer = PatternAnalyzer()
        pattern = np.array([analyzer.analyze(t).polarity for t in texts])
        report("TextBlob (Pattern)", truth, pattern)
        report("mean of both", truth, (scores + pattern) / 2)

    batch = texts * 100
    started, cpu_started = time.perf_counter(), time.process_time()
    score_texts(batch)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"throughput: {len(batch):,} sentences in {seconds:.1f} s wall ({len(batch) / seconds:,.0f} per second), "
        f"{cpu:.1f} s CPU ({len(batch) / cpu:,.0f} per CPU second; load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
