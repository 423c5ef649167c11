"""Texts into vectors: stemmed words and word pairs without stop words, TF-IDF, its LSA projection, embeddings."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import snowballstemmer
from numpy.typing import NDArray

# scikit-learn (and the scipy it loads) takes about a second to import, and the web app imports this module
# at start-up for its constants and types; so each function imports the parts it uses when it runs.
if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer


# Texts in, one vector per text out (a row each).
Encoder = Callable[[list[str]], NDArray[np.floating]]


# Contractions are split before tokenising ("won't" -> "wo not"), which leaves these fragments;
# greetings and politeness carry no topic in support text.
_EXTRA_STOP_WORDS = frozenset(
    {
        "ca",
        "wo",
        "ve",
        "ll",
        "re",
        "im",
        "ive",
        "don",
        "doesn",
        "didn",
        "isn",
        "wasn",
        "hasn",
        "haven",
        "won",
        "wouldn",
        "couldn",
        "shouldn",
        "aren",
        "weren",
        "ain",
        "just",
        "really",
        "please",
        "pls",
        "thanks",
        "thank",
        "hi",
        "hello",
        "hey",
    }
)


# scikit-learn's list was made for general prose; in what customers write these are the topic ("top up", "the
# bill", "call back", "the app is down", "the full amount"), so they are kept.
_CUSTOMER_WORDS = frozenset(
    {"amount", "back", "bill", "bottom", "call", "detail", "down", "empty", "fill", "fire", "front", "full",
     "interest", "move", "name", "off", "part", "show", "side", "system", "top", "up"}
)


@functools.cache
def stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    # scikit-learn has no type information: its list is a frozenset of words.
    words: frozenset[str] = (ENGLISH_STOP_WORDS | _EXTRA_STOP_WORDS) - _CUSTOMER_WORDS
    return words


_TOKEN = re.compile(r"[a-z]{2,}")
_STEM_CACHE_LIMIT = 500_000


class TextAnalyzer:
    """Turns a text into stemmed words plus adjacent-word pairs (after stop-word removal).

    Stemming merges "arrive/arrived/arriving", which measurably tightens themes on banking77; labels map
    stems back to the commonest surface word, so people never read a stem.
    """

    def __init__(self, stem: bool = True, bigrams: bool = True) -> None:
        self.stem = stem
        self.bigrams = bigrams
        self._stemmer = snowballstemmer.stemmer("english") if stem else None
        self._cache: dict[str, str] = {}
        self._stop_words = stop_words()

    def config(self) -> dict[str, bool]:
        return {"stem": self.stem, "bigrams": self.bigrams}

    def words(self, text: str) -> list[tuple[str, str]]:
        """(surface word, stem) pairs of the content words of ``text``."""
        lowered = text.lower().replace("\u2019", "'").replace("n't", " not").replace("'s", "")
        pairs = []
        for word in _TOKEN.findall(lowered):
            if word in self._stop_words:
                continue
            pairs.append((word, self._stem(word)))
        return pairs

    def _stem(self, word: str) -> str:
        if self._stemmer is None:
            return word
        stem = self._cache.get(word)
        if stem is None:
            stem = self._stemmer.stemWord(word)
            if len(self._cache) < _STEM_CACHE_LIMIT:
                self._cache[word] = stem
        return stem

    def __call__(self, text: str) -> list[str]:
        stems = [stem for _, stem in self.words(text)]
        if self.bigrams:
            stems += [f"{a} {b}" for a, b in itertools.pairwise(stems)]
        return stems


def _surface_forms(texts: Sequence[str], analyzer: TextAnalyzer, limit: int = 20_000) -> dict[str, str]:
    """The commonest word behind each stem, from (an even sample of) the texts."""
    step = max(1, len(texts) // limit)
    counts: dict[str, Counter[str]] = {}
    for text in texts[::step]:
        for word, stem in analyzer.words(text or ""):
            counts.setdefault(stem, Counter())[word] += 1
    return {stem: c.most_common(1)[0][0] for stem, c in counts.items()}


def _project(tfidf: sparse.spmatrix, components: NDArray[np.float32] | None) -> NDArray[np.float32]:
    if components is None:
        dense: NDArray[np.float32] = tfidf.toarray().astype(np.float32)
        return dense
    return np.asarray(tfidf @ components.T, dtype=np.float32)


def _embed(texts: list[str], encoder: Encoder | None) -> NDArray[np.float32]:
    from sklearn.preprocessing import normalize

    if encoder is None:
        from outsidein.core.embeddings import encoder as default_encoder

        encoder = default_encoder()
    blank = np.array([not t.strip() for t in texts], dtype=bool)
    vectors: NDArray[np.float32] = np.asarray(encoder([t if t.strip() else "." for t in texts]), dtype=np.float32)
    vectors = normalize(vectors)
    vectors[blank] = 0.0
    return vectors


def _rebuild_vectorizer(vocabulary: list[str], idf: NDArray[np.float32],
                        analyzer_config: dict[str, bool]) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer=TextAnalyzer(**analyzer_config),
        vocabulary={term: i for i, term in enumerate(vocabulary)},
        sublinear_tf=True,
        dtype=np.float32,
    )
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    return vectorizer


