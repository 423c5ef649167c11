"""Themes by meaning find their own number: communities of the neighbour graph, every text placed."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from outsidein.insights.analysis.themes import communities as graph_themes


def topics(count: int, per_topic: int, spread: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around ``count`` random directions in 64 dimensions, ``per_topic`` each."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((count, 64))
    truth = np.repeat(np.arange(count), per_topic)
    points = centres[truth] + spread * rng.standard_normal((len(truth), 64))
    return points / np.linalg.norm(points, axis=1, keepdims=True), truth


@pytest.mark.parametrize("count", [4, 12, 40])
def test_the_number_of_themes_is_the_number_of_topics_without_being_told(count):
    points, truth = topics(count, 60, spread=0.35)
    found = graph_themes.communities(points)
    assert len(found) == len(points) and found.min() == 0
    assert found.max() + 1 == count
    assert adjusted_rand_score(truth, found) > 0.95


def test_a_handful_of_odd_texts_join_the_nearest_theme_instead_of_becoming_themes():
    points, truth = topics(5, 80, spread=0.35)
    odd = np.random.default_rng(7).standard_normal((2, 64))
    points = np.vstack([points, odd / np.linalg.norm(odd, axis=1, keepdims=True)])
    found = graph_themes.communities(points)
    assert found.max() + 1 == 5  # two strays do not make themes of their own
    assert adjusted_rand_score(truth, found[:len(truth)]) > 0.95


def test_large_collections_search_neighbours_by_cell_and_find_the_same_themes(monkeypatch):
    points, truth = topics(30, 100, spread=0.35, seed=3)
    exact = graph_themes.communities(points)
    monkeypatch.setattr(graph_themes, "EXACT_NEIGHBOURS_UP_TO", 500)
    by_cell = graph_themes.communities(points)
    assert by_cell.max() + 1 == 30
    assert adjusted_rand_score(exact, by_cell) > 0.95 and adjusted_rand_score(truth, by_cell) > 0.95


def test_tiny_inputs_are_one_theme():
    assert graph_themes.communities(np.eye(2)).tolist() == [0, 0]
    assert graph_themes.communities(np.zeros((0, 4))).tolist() == []


def test_the_same_texts_give_the_same_themes_every_run():
    # Topics that overlap, so there are many near-equal ways to split them and a random choice shows.
    points, _ = topics(80, 30, spread=2.0, seed=5)
    runs = [graph_themes.communities(points) for _ in range(3)]
    assert all(np.array_equal(runs[0], run) for run in runs[1:])
