"""What a theme is called and shown with: its top terms, a short label and its representative quotes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

# scikit-learn (and the scipy it loads) takes about a second to import, and the web app imports this module
# at start-up for its constants and types; so each function imports the parts it uses when it runs.
if TYPE_CHECKING:
    from scipy import sparse


NOVELTY_QUANTILE = 0.05
LABEL_MAX_WORDS = 4
TOP_TERMS = 10


@dataclass
class Theme:
    id: int
    label: str
    top_terms: list[str]
    size: int
    member_indices: list[int]
    representative_quotes: list[str]
    representative_indices: list[int] = field(default_factory=list)


def _describe(
    theme_id: int,
    points: NDArray[np.floating],
    members: NDArray[np.integer],
    texts: Sequence[str],
    text_rows: NDArray[np.integer],
    member_tfidf: sparse.spmatrix,
    overall_mean: NDArray[np.floating],
    vocabulary: list[str],
    surface: dict[str, str],
    n_quotes: int = 3,
) -> tuple[NDArray[np.floating], float, Theme]:
    """Centroid, novelty threshold and the readable record of one cluster."""
    from sklearn.preprocessing import normalize

    centroid: NDArray[np.floating] = normalize(points.mean(axis=0, keepdims=True))[0]
    sims = points @ centroid
    threshold = float(np.quantile(sims, NOVELTY_QUANTILE)) if len(sims) > 1 else float(sims[0]) * 0.9
    # Terms frequent here and rarer elsewhere: the mean TF-IDF lift over the whole collection.
    lift = np.asarray(member_tfidf.mean(axis=0)).ravel() - np.asarray(overall_mean).ravel()
    ranked = [i for i in np.argsort(-lift)[: TOP_TERMS * 3] if lift[i] > 0]
    top_terms = _dedupe_terms([_display(vocabulary[i], surface) for i in ranked])[:TOP_TERMS]
    quotes, quote_rows = [], []
    seen: set[str] = set()
    for j in np.argsort(-sims, kind="stable"):
        text = texts[int(text_rows[j])].strip()
        key = " ".join(text.lower().split())
        if key in seen:
            continue
        seen.add(key)
        quotes.append(text)
        quote_rows.append(int(members[j]))
        if len(quotes) >= n_quotes:
            break
    theme = Theme(
        id=int(theme_id),
        label=make_label(top_terms) or (quotes[0][:40] if quotes else f"theme {theme_id}"),
        top_terms=top_terms,
        size=len(members),
        member_indices=[int(i) for i in members],
        representative_quotes=quotes,
        representative_indices=quote_rows,
    )
    return centroid, threshold, theme


def make_label(top_terms: Sequence[str], max_words: int = LABEL_MAX_WORDS, max_terms: int = 3) -> str:
    """Two to four words from the top terms, skipping terms whose words are already in the label.

    A pair containing words already chosen takes their place ("card", "arrived" + "card arrived" ->
    "card arrived"), at the position of the strongest of them.
    """
    chosen: list[str] = []
    for term in top_terms:
        words = set(term.split())
        absorbed = [i for i, c in enumerate(chosen) if set(c.split()) < words]
        if words <= {w for c in chosen for w in c.split()} and len(absorbed) < 2:
            continue
        candidate = list(chosen)
        if absorbed:
            candidate[absorbed[0]] = term
            candidate = [c for i, c in enumerate(candidate) if i not in absorbed[1:]]
        else:
            candidate.append(term)
        if sum(len(c.split()) for c in candidate) > max_words or len(candidate) > max_terms:
            if sum(len(c.split()) for c in chosen) >= 2:
                break
            continue
        chosen = candidate
    return ", ".join(chosen)


def _display(term: str, surface: dict[str, str]) -> str:
    return " ".join(surface.get(stem, stem) for stem in term.split())


def _dedupe_terms(terms: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for term in terms:
        if term not in seen:
            seen.add(term)
            result.append(term)
    return result


def _interleave(lists: list[list[str]], limit: int) -> list[str]:
    merged: list[str] = []
    for position in range(max((len(x) for x in lists), default=0)):
        for terms in lists:
            if position < len(terms) and terms[position] not in merged:
                merged.append(terms[position])
    return merged[:limit]


