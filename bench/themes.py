"""Theme quality on banking77 (NMI/ARI against the 77 intents, clustered without labels) and speed.

    python bench/themes.py                      # quality: auto k and k=77, default method, TF-IDF + k-means
    python bench/themes.py --compare            # also the alternatives the default was chosen against
    python bench/themes.py --speed 100000       # fit on 100,000 texts made from banking77 + Yelp
    python bench/themes.py --method tfidf       # the word-pattern fallback (default: embeddings where installed)
    python bench/themes.py --seeds 42 --peer /tmp/bertopic-venv/bin/python   # beside BERTopic in the same run

``--peer`` runs bench/bertopic_peer.py with the python of a separate environment that has BERTopic (see that
script for its set-up); BERTopic is not a dependency of the product.

Data: banking77 (CC BY 4.0; Casanueva et al., "Efficient Intent Detection with Dual Sentence Encoders",
2020) and the Yelp part of "Sentiment Labelled Sentences" (Kotzias et al., KDD 2015), read from
../shared/data (override with OUTSIDEIN_DATA).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from outsidein.insights.analysis.embeddings import default_method  # noqa: E402
from outsidein.insights.analysis.themes import TextAnalyzer, fit_themes  # noqa: E402

DATA = Path(os.environ.get("OUTSIDEIN_DATA", ROOT.parent / "shared" / "data"))
# Words and word pairs, English stop words: the textbook TF-IDF, for the baseline and the alternatives.
PLAIN_TFIDF: dict = dict(stop_words="english", ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_df=0.5)
FILLERS = ("please", "urgent", "today", "again", "still", "now", "asap", "thanks", "hi", "help")


def banking77() -> tuple[list[str], list[str]]:
    with (DATA / "banking77" / "train.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["category"] for r in rows]


def yelp() -> list[str]:
    lines = (DATA / "sentiment" / "yelp_labelled.txt").read_text(encoding="utf-8").splitlines()
    return [line.rsplit("\t", 1)[0] for line in lines if line.strip()]


def perturbed_corpus(size: int, seed: int = 0) -> list[str]:
    """``size`` texts drawn with replacement from banking77 and Yelp, each perturbed deterministically
    (a word dropped, a filler word inserted) so the corpus is not 10 times the same 11,000 strings."""
    pool = banking77()[0] + yelp()
    rng = random.Random(seed)
    texts = []
    for _ in range(size):
        words = rng.choice(pool).split()
        if len(words) > 3 and rng.random() < 0.5:
            words.pop(rng.randrange(len(words)))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(FILLERS))
        texts.append(" ".join(words))
    return texts


def score(truth: list[str], found: np.ndarray) -> str:
    nmi = normalized_mutual_info_score(truth, found)
    ari = adjusted_rand_score(truth, found)
    return f"NMI {nmi:.3f}  ARI {ari:.3f}"


def quality(method: str, seeds: list[int]) -> list[dict]:
    """Prints the product's figures and returns them, one row per run, for the table beside the peer."""
    texts, intents = banking77()
    print(f"banking77: {len(texts):,} texts, {len(set(intents))} intents; method {method}")
    shown = None
    rows = []
    for k in (None, 77):
        for seed in seeds:
            started = time.perf_counter()
            model = fit_themes(texts, k=k, method=method, random_state=seed)
            seconds = time.perf_counter() - started
            name = "auto" if k is None else f"k={k}"
            found = score(intents, model.assignments)
            print(f"  {name:<5} seed {seed}: {model.k:>3} themes  {found}  {seconds:6.1f} s")
            shown = shown or model
            rows.append(
                {
                    "method": f"product {name}",
                    "seed": seed,
                    "topics": model.k,
                    "outliers": float((model.assignments == -1).mean()),
                    "nmi": normalized_mutual_info_score(intents, model.assignments),
                    "ari": adjusted_rand_score(intents, model.assignments),
                    "total_s": seconds,
                }
            )
    model = shown
    print("  largest themes (auto k):")
    for theme in model.themes[:8]:
        print(f"    {theme.size:>4}  {theme.label:<32} “{theme.representative_quotes[0]}”")
    return rows


def baseline(seeds: list[int], k: int = 77) -> list[dict]:
    """The textbook baseline: k-means on plain TF-IDF (words and word pairs, English stop words), told the true
    number of topics, which the product and BERTopic are not."""
    texts, intents = banking77()
    rows = []
    for seed in seeds:
        started = time.perf_counter()
        tfidf = TfidfVectorizer(**PLAIN_TFIDF).fit_transform(texts)
        labels = KMeans(k, n_init=3, random_state=seed).fit_predict(tfidf)
        seconds = time.perf_counter() - started
        print(f"  TF-IDF + k-means, k={k}, seed {seed}: {score(intents, labels)}  {seconds:6.1f} s")
        rows.append({"method": f"TF-IDF + k-means, k={k}", "seed": seed, "topics": k, "outliers": 0.0,
                     "nmi": normalized_mutual_info_score(intents, labels),
                     "ari": adjusted_rand_score(intents, labels), "total_s": seconds})
    return rows


def peer(python: str, seeds: list[int], rows: list[dict]) -> None:
    """Runs BERTopic (bench/bertopic_peer.py, in its own environment) on the same data after the product, so the
    two never share the cores, and prints both sets of figures in one table."""
    script = Path(__file__).resolve().parent / "bertopic_peer.py"
    command = [python, str(script), "--seeds", *map(str, seeds)]
    print(f"BERTopic: {' '.join(command)}", flush=True)
    env = {**os.environ, "OUTSIDEIN_DATA": str(DATA)}
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    print("\n".join(lines[:-1]))
    peer_rows = json.loads(lines[-1])["runs"]
    print("side by side (banking77 train; outliers count as one cluster):")
    print(f"  {'':<30} {'seed':>4} {'themes':>6} {'outliers':>8}   NMI    ARI   {'time':>8}")
    for r in [*rows, *peer_rows]:
        print(
            f"  {r['method']:<30} {r['seed']:>4} {r['topics']:>6} {r['outliers']:>8.1%}  "
            f"{r['nmi']:.3f}  {r['ari']:.3f}  {r['total_s']:6.1f} s"
        )


def compare(k: int = 77) -> None:
    """The alternatives the default was chosen against, at k=77 with seed 0."""
    texts, intents = banking77()
    variants = {
        "plain tokens": TfidfVectorizer(token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z']+\b", **PLAIN_TFIDF),
        "stemmed (default)": TfidfVectorizer(analyzer=TextAnalyzer(), sublinear_tf=True, min_df=2, max_df=0.5),
    }
    print(f"alternatives at k={k}, seed 0 (banking77):")
    for name, vectorizer in variants.items():
        tfidf = vectorizer.fit_transform(texts)
        runs = {
            "k-means on TF-IDF": lambda x=tfidf: KMeans(k, n_init=3, random_state=0).fit_predict(x),
            "NMF (argmax topic)": lambda x=tfidf: (
                NMF(k, init="nndsvda", max_iter=300, random_state=0).fit_transform(x).argmax(axis=1)
            ),
            "LSA 150 + k-means": lambda x=tfidf: KMeans(k, n_init=3, random_state=0).fit_predict(
                normalize(TruncatedSVD(150, random_state=0).fit_transform(x))
            ),
        }
        for run_name, run in runs.items():
            started = time.perf_counter()
            labels = run()
            print(f"  {name:<18} {run_name:<20} {score(intents, labels)}  {time.perf_counter() - started:6.1f} s")


def speed(size: int, method: str) -> None:
    texts = perturbed_corpus(size)
    started, cpu_started = time.perf_counter(), time.process_time()
    model = fit_themes(texts, method=method)
    fitted, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # CPU time (all threads) as well as wall time: on a shared machine the wall time mostly measures
    # the neighbours.
    load = os.getloadavg()[0]
    print(
        f"fit on {size:,} texts ({method}, auto k): {model.k} themes in {fitted:.1f} s wall, {cpu:.1f} s CPU "
        f"(load average {load:.1f})"
    )
    probe = perturbed_corpus(10_000, seed=1)
    started = time.perf_counter()
    ids = model.assign(probe)
    assigned = time.perf_counter() - started
    print(
        f"assign 10,000 new texts: {assigned:.2f} s ({10_000 / assigned:,.0f} texts/s), "
        f"{(ids == -1).mean():.1%} unassigned"
    )
    started = time.perf_counter()
    stored = model.to_bytes()
    print(f"stored model: {len(stored) / 1e6:.1f} MB, written in {time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--method", default=default_method(), choices=("tfidf", "embeddings"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--compare", action="store_true", help="also run the alternative clusterings")
    parser.add_argument("--speed", type=int, metavar="N", help="only the speed run on N texts")
    parser.add_argument("--peer", metavar="PYTHON", help="python of an environment with BERTopic: run it beside")
    args = parser.parse_args()
    if args.speed:
        speed(args.speed, args.method)
        return
    rows = quality(args.method, args.seeds)
    rows += baseline(args.seeds)
    if args.compare:
        compare()
    if args.peer:
        peer(args.peer, args.seeds, rows)


if __name__ == "__main__":
    main()
