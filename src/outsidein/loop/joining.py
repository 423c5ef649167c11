"""Which open suggestion a newly raised one repeats, if any.

Customers say the same thing in different words ("let us pay by card" / "could we pay invoices with a credit
card"), and a thread is only worth something if it gathers them: "raised by 12 people at 9 accounts". A new text is
compared with the workspace's open suggestions (title and every raiser's words) by the cosine of TF-IDF vectors of
stemmed content words, the analyser themes use, so "invoices"/"invoice" and "paying"/"pay" meet; word pairs are
left out, since two people rarely phrase an idea alike. The idf is the suggestions' own, so words every suggestion
shares ("please", the product's name) weigh little. Only the most recent open suggestions are compared, which
bounds the work per raise whatever the workspace holds.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch

from outsidein.core.scoping import scoped
from outsidein.loop.models import CLOSED_STATUSES, Raiser, Suggestion
from outsidein.workspaces.models import Workspace

# Measured on constructed pairs (tests/loop/test_threads.py): the same idea in other words scores 0.3–0.7 and
# shares two content words or more; a different idea scores up to 0.26 when one word is repeated in it ("delivery
# photos with the proof of delivery" / "deliveries on Saturday"). So a join needs the score and two shared words,
# or one very strong likeness (a short text that is all one specific word).
JOIN_THRESHOLD = 0.28
SHARED_TERMS = 2
STRONG_LIKENESS = 0.6
# The open suggestions a new text is compared with, newest first.
CANDIDATES = 2_000
# Words of raisers read per suggestion: enough to know the thread, bounded for a thread raised by hundreds.
WORDS_PER_SUGGESTION = 20



@functools.cache
def _analyzer() -> Callable[[str], list[str]]:
    # Imported when first used: the themes package loads scikit-learn, which the web app does not load at start-up.
    from outsidein.insights.analysis.themes.vectors import TextAnalyzer

    return TextAnalyzer(stem=True, bigrams=False)


@dataclass(frozen=True)
class Match[T]:
    suggestion: T  # what the text was compared with: a suggestion, or any row ``rank`` was given
    score: float
    shared: int  # content words (stems) the two texts have in common

    @property
    def joins(self) -> bool:
        return self.score >= STRONG_LIKENESS or (self.score >= JOIN_THRESHOLD and self.shared >= SHARED_TERMS)


def terms(text: str) -> list[str]:
    return _analyzer()(text)


def _vector(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    weights = {term: (1 + math.log(n)) * idf.get(term, 1.0) for term, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {term: w / norm for term, w in weights.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(term, 0.0) for term, w in a.items())


def rank[T](text: str, documents: Sequence[tuple[T, str]]) -> list[Match[T]]:
    """The documents ordered by likeness to ``text`` (best first), scores 0..1."""
    query = Counter(terms(text))
    if not query or not documents:
        return []
    bags = [Counter(terms(doc)) for _, doc in documents]
    n = len(bags) + 1
    frequency: Counter[str] = Counter()
    for bag in [query, *bags]:
        frequency.update(bag.keys())
    idf = {term: math.log((1 + n) / (1 + df)) + 1 for term, df in frequency.items()}
    target = _vector(query, idf)
    matches = [Match(suggestion, _cosine(target, _vector(bag, idf)), len(query.keys() & bag.keys()))
               for (suggestion, _), bag in zip(documents, bags, strict=True)]
    return sorted((m for m in matches if m.score > 0), key=lambda m: -m.score)


def _documents(suggestions: Iterable[Suggestion]) -> list[tuple[Suggestion, str]]:
    docs = []
    for suggestion in suggestions:
        words = [r.words for r in suggestion.raisers.all()[:WORDS_PER_SUGGESTION]]  # prefetched
        docs.append((suggestion, "\n".join([suggestion.title, *words])))
    return docs


def open_candidates(workspace: Workspace, exclude: int | None = None) -> list[Suggestion]:
    suggestions = (scoped(Suggestion, workspace).exclude(status__in=CLOSED_STATUSES).order_by("-created_at", "-id")
                   .prefetch_related(Prefetch("raisers", queryset=Raiser.objects.only("suggestion_id", "words"))))
    if exclude is not None:
        suggestions = suggestions.exclude(pk=exclude)
    return list(suggestions[:CANDIDATES])


def matches(workspace: Workspace, text: str, *, exclude: int | None = None,
            limit: int = 3) -> list[Match[Suggestion]]:
    """The open suggestions ``text`` would join, best first."""
    ranked = rank(text, _documents(open_candidates(workspace, exclude)))
    return [m for m in ranked if m.joins][:limit]


def best_match(workspace: Workspace, text: str, *, exclude: int | None = None) -> Suggestion | None:
    found = matches(workspace, text, exclude=exclude, limit=1)
    return found[0].suggestion if found else None
