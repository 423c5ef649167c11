"""Question coach: quality on a labelled set and speed per question and per 10,000-question file.

    .venv/bin/python bench/coach.py [--labelled tests/guides/data/coach_labelled.csv] [--file-size 10000]

Quality: per-rule precision and recall, and accuracy of ok vs not ok, on a CSV with the columns
question,ok,rules (rules separated by ';'). Any other set in that format can be passed with --labelled.

Speed: every labelled question reviewed one at a time without the review cache (median and p95 of wall
time, and of CPU time, which other work on the machine does not inflate), then a 10,000-question file
made by sampling and recombining the labelled questions with a fixed seed, reviewed (a) in process
without the cache and (b) end to end by `outsidein coach --json FILE` in a fresh process (Django start-up
included, with the cache the command normally uses).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from outsidein.guides.coach import RULES, review_question  # noqa: E402

review_uncached = review_question.__wrapped__


def load(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def quality(rows: list[dict[str, str]]) -> None:
    reviews = [review_uncached(r["question"]) for r in rows]
    truth_ok = [r["ok"] == "1" for r in rows]
    predicted_ok = [rv.ok for rv in reviews]
    binarizer = MultiLabelBinarizer(classes=list(RULES))
    truth = binarizer.fit_transform([[x for x in r["rules"].split(";") if x] for r in rows])
    predicted = binarizer.transform([[x for x in rv.rules if x in RULES] for rv in reviews])
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, zero_division=0)
    print(f"Labelled questions: {len(rows)} ({sum(truth_ok)} ok, {len(rows) - sum(truth_ok)} not ok)")
    print(f"Accuracy ok vs not ok: {accuracy_score(truth_ok, predicted_ok):.3f}")
    wrong = [(r["question"], rv.rules) for r, rv in zip(rows, reviews, strict=True) if rv.ok != (r["ok"] == "1")]
    print()
    print("| rule | questions | precision | recall | F1 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for i, rule in enumerate(RULES):
        print(f"| {rule} | {support[i]} | {precision[i]:.2f} | {recall[i]:.2f} | {f1[i]:.2f} |")
    print(f"| macro average | | {precision.mean():.2f} | {recall.mean():.2f} | {f1.mean():.2f} |")
    if wrong:
        print("\nok vs not ok mistakes:")
        for question, rules in wrong:
            print(f"  {'/'.join(rules) or 'ok'}: {question}")


def per_question_times(questions: list[str], rounds: int) -> None:
    for q in questions:  # warm the word-form caches as a running server would have them
        review_uncached(q)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for q in questions:
            w0, c0 = time.perf_counter(), time.thread_time()
            review_uncached(q)
            cpu.append(time.thread_time() - c0)
            wall.append(time.perf_counter() - w0)
    for name, values in (("wall", wall), ("CPU", cpu)):
        ms = np.array(values) * 1000
        print(f"Single question, {name} time: median {statistics.median(ms):.3f} ms, "
              f"p95 {np.percentile(ms, 95):.3f} ms, max {ms.max():.2f} ms ({len(ms)} reviews)")


def synthetic_file(questions: list[str], size: int, seed: int = 4) -> list[str]:
    """Questions sampled from the set, some with an opening word, some joined into compound questions."""
    rng = random.Random(seed)
    openers = ["So, ", "And ", "Okay, ", "Now, ", "Also, "]
    lines = []
    for _ in range(size):
        roll = rng.random()
        q = rng.choice(questions)
        if roll < 0.15:
            q = rng.choice(openers) + q[0].lower() + q[1:]
        elif roll < 0.30:
            other = rng.choice(questions)
            q = q.rstrip("?.! ") + " and " + other[0].lower() + other[1:]
        lines.append(q)
    return lines


def file_throughput(lines: list[str]) -> None:
    start = time.perf_counter()
    for line in lines:
        review_uncached(line)
    seconds = time.perf_counter() - start
    print(f"{len(lines):,} questions in process, no cache: {seconds:.2f} s, {len(lines) / seconds:,.0f} questions/s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "questions.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DJANGO_SETTINGS_MODULE": "outsidein.settings"}
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "outsidein", "coach", "--json", str(path)],
                                capture_output=True, env=env, check=True)
        seconds = time.perf_counter() - start
        print(f"{len(lines):,} questions end to end (`outsidein coach --json FILE`, fresh process): "
              f"{seconds:.2f} s, {len(lines) / seconds:,.0f} questions/s, {len(result.stdout) / 1e6:.1f} MB of JSON")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=ROOT / "tests" / "guides" / "data" / "coach_labelled.csv")
    parser.add_argument("--file-size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5, help="Passes over the labelled set for the timing.")
    args = parser.parse_args()
    rows = load(args.labelled)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    quality(rows)
    print()
    questions = [r["question"] for r in rows]
    per_question_times(questions, args.rounds)
    file_throughput(synthetic_file(questions, args.file_size))


if __name__ == "__main__":
    main()
