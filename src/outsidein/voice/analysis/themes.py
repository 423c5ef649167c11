"""Themes: group feedback text into clusters a person can name, with no model by default.

The default method ("tfidf") weighs stemmed words and word pairs by sublinear TF-IDF, reduces them with
LSA (TruncatedSVD) and runs k-means on the L2-normalised result, which is k-means on cosine similarity.
On banking77 this beat k-means on the raw TF-IDF and NMF in both NMI and time (docs/benchmarks.md).
The "embeddings" method swaps the vector space for sentence embeddings (optional extra, see embeddings.py);
labels come from the same TF-IDF terms in both methods so they stay readable words.

A fitted ``ThemeModel`` assigns new texts to its themes without a re-fit (nearest centroid, with a
similarity floor per theme below which an item is "unassigned": something new) and round-trips through
``to_bytes``/``from_bytes`` (an ``.npz`` archive without pickles, so a stored model cannot run code).
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import snowballstemmer

# scikit-learn (and the scipy it loads) takes about a second to import, and the web app imports this module
# at start-up for its constants and types; so each function imports the parts it uses when it runs.
if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

Encoder = Callable[[list[str]], np.ndarray]

METHODS = ("tfidf", "embeddings")
UNASSIGNED = -1
FORMAT_VERSION = 1

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


@functools.cache
def stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS | _EXTRA_STOP_WORDS


_TOKEN = re.compile(r"[a-z]{2,}")
_STEM_CACHE_LIMIT = 500_000

MAX_LSA_DIMENSIONS = 150
MAX_TERMS = 30_000
LSA_FIT_SAMPLE = 30_000
MAX_AUTO_THEMES = 100
K_SELECTION_SAMPLE = 3000
K_GRID_POINTS = 10
SILHOUETTE_SHARE = 0.9
# Two themes are rarely worth a theme analysis and a 2-way split is trivially stable, so auto k starts at 3.
MIN_AUTO_THEMES = 3
# New items less similar to their nearest theme than this quantile of that theme's own members are new.
NOVELTY_QUANTILE = 0.05
LABEL_MAX_WORDS = 4
TOP_TERMS = 10


class TooAlikeToSplit(ValueError):
    """A theme's texts are too alike for the number of parts asked for."""


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


@dataclass
class Theme:
    id: int
    label: str
    top_terms: list[str]
    size: int
    member_indices: list[int]
    representative_quotes: list[str]
    representative_indices: list[int] = field(default_factory=list)


@dataclass
class ThemeModel:
    """A fitted set of themes, able to place new texts among them."""

    method: str
    themes: list[Theme]
    centroids: np.ndarray  # (k, d), unit rows, in the model's vector space
    thresholds: np.ndarray  # (k,), minimum cosine similarity for a new item to join each theme
    vocabulary: list[str]
    idf: np.ndarray
    components: np.ndarray | None  # LSA projection (d, n_terms) for the tfidf method
    n_items: int
    analyzer_config: dict[str, bool] = field(default_factory=lambda: {"stem": True, "bigrams": True})
    k_scores: dict[int, float] = field(default_factory=dict)  # silhouette per candidate k when auto-chosen
    encoder: Encoder | None = field(default=None, repr=False, compare=False)
    _vectorizer: TfidfVectorizer | None = field(default=None, repr=False, compare=False)

    # -- placing texts -------------------------------------------------------------------------------
    @property
    def k(self) -> int:
        return len(self.themes)

    @property
    def assignments(self) -> np.ndarray:
        """Theme id of every fitted item (``UNASSIGNED`` for items without content)."""
        ids = np.full(self.n_items, UNASSIGNED, dtype=np.int64)
        for theme in self.themes:
            ids[theme.member_indices] = theme.id
        return ids

    def theme(self, theme_id: int) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(f"no theme with id {theme_id}")

    def vectorizer(self) -> TfidfVectorizer:
        if self._vectorizer is None:
            self._vectorizer = _rebuild_vectorizer(self.vocabulary, self.idf, self.analyzer_config)
        return self._vectorizer

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts`` in the model's space; texts without content give zero rows."""
        from sklearn.preprocessing import normalize

        texts = [text or "" for text in texts]
        if self.method == "embeddings":
            return _embed(texts, self.encoder)
        tfidf = self.vectorizer().transform(texts)
        return normalize(_project(tfidf, self.components))

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each text to each theme, shape (len(texts), k)."""
        return self.vectors(texts) @ self.centroids.T

    def assign(self, texts: Sequence[str], *, with_similarity: bool = False):
        """Theme id per text by nearest theme, or ``UNASSIGNED`` when no theme is close enough.

        With ``with_similarity`` returns ``(ids, similarity to the chosen theme)``.
        """
        if not len(texts) or not self.themes:
            ids = np.full(len(texts), UNASSIGNED, dtype=np.int64)
            return (ids, np.zeros(len(texts))) if with_similarity else ids
        vectors = self.vectors(texts)
        sims = vectors @ self.centroids.T
        nearest = sims.argmax(axis=1)
        best = sims[np.arange(len(texts)), nearest]
        theme_ids = np.array([t.id for t in self.themes], dtype=np.int64)
        ids = theme_ids[nearest]
        empty = ~np.any(vectors, axis=1)
        ids[(best < self.thresholds[nearest]) | empty] = UNASSIGNED
        return (ids, best) if with_similarity else ids

    # -- editing -------------------------------------------------------------------------------------
    def rename(self, theme_id: int, label: str) -> Theme:
        theme = self.theme(theme_id)
        theme.label = label.strip() or theme.label
        return theme

    def merge(self, theme_ids: Sequence[int], label: str | None = None) -> Theme:
        """Merge themes into the first id given; the merged theme's centroid is the size-weighted mean."""
        from sklearn.preprocessing import normalize

        if len(set(theme_ids)) < 2:
            raise ValueError("merge needs at least two different themes")
        rows = [self._row(tid) for tid in theme_ids]
        parts = [self.themes[r] for r in rows]
        sizes = np.array([p.size for p in parts], dtype=float)
        centroid = normalize((sizes[:, None] * self.centroids[rows]).sum(axis=0, keepdims=True))[0]
        largest = parts[int(sizes.argmax())]
        keep = parts[0]
        keep.member_indices = sorted(i for p in parts for i in p.member_indices)
        keep.size = len(keep.member_indices)
        keep.top_terms = _interleave([p.top_terms for p in sorted(parts, key=lambda p: -p.size)], TOP_TERMS)
        keep.representative_quotes = list(largest.representative_quotes)
        keep.representative_indices = list(largest.representative_indices)
        keep.label = label or largest.label
        self.centroids[rows[0]] = centroid
        self.thresholds[rows[0]] = self.thresholds[rows].min()
        drop = sorted(rows[1:], reverse=True)
        for r in drop:
            del self.themes[r]
        mask = np.ones(len(self.centroids), dtype=bool)
        mask[drop] = False
        self.centroids = self.centroids[mask]
        self.thresholds = self.thresholds[mask]
        return keep

    def split(self, theme_id: int, texts: Sequence[str], parts: int = 2, random_state: int = 0) -> list[Theme]:
        """Split a theme into ``parts`` sub-themes; ``texts`` are all fitted texts (indexed like the fit)."""
        from sklearn.cluster import KMeans

        row = self._row(theme_id)
        theme = self.themes[row]
        if theme.size < parts:
            raise ValueError(f"theme {theme_id} has {theme.size} items, too few to split into {parts}")
        member_texts = [texts[i] for i in theme.member_indices]
        vectors = self.vectors(member_texts)
        # Texts that differ only in case, punctuation or stop words are one point in the model's space: k-means
        # cannot put them into more parts than there are points, and an empty part has no centroid.
        points = len(np.unique(np.round(vectors, 6), axis=0))
        if points < parts:
            raise TooAlikeToSplit(f"its texts are too alike to split into {parts}: they make {points} distinct "
                                  f"point{'s' if points != 1 else ''} in the theme model")
        local = KMeans(parts, n_init=3, random_state=random_state).fit_predict(vectors)
        if len(np.unique(local)) < parts:
            raise TooAlikeToSplit(f"its texts are too alike to split into {parts}")
        tfidf = self.vectorizer().transform(member_texts)
        members = np.asarray(theme.member_indices)
        next_id = max(t.id for t in self.themes) + 1
        new_themes, centroids, thresholds = [], [], []
        surface = _surface_forms(member_texts, TextAnalyzer(**self.analyzer_config))
        for j in range(parts):
            in_part = local == j
            centroid, threshold, theme_part = _describe(
                next_id + j - 1 if j else theme.id,
                vectors[in_part],
                members[in_part],
                member_texts,
                np.flatnonzero(in_part),
                tfidf[in_part],
                tfidf.mean(axis=0),
                self.vocabulary,
                surface,
            )
            new_themes.append(theme_part)
            centroids.append(centroid)
            thresholds.append(threshold)
        self.themes[row : row + 1] = new_themes
        self.centroids = np.vstack([self.centroids[:row], np.array(centroids), self.centroids[row + 1 :]])
        self.thresholds = np.concatenate([self.thresholds[:row], thresholds, self.thresholds[row + 1 :]])
        return new_themes

    def _row(self, theme_id: int) -> int:
        for row, theme in enumerate(self.themes):
            if theme.id == theme_id:
                return row
        raise KeyError(f"no theme with id {theme_id}")

    # -- storage -------------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """A compressed ``.npz`` archive (no pickles) holding everything ``assign`` needs."""
        meta = {
            "format": FORMAT_VERSION,
            "method": self.method,
            "n_items": self.n_items,
            "analyzer": self.analyzer_config,
            "vocabulary": self.vocabulary,
            "themes": [asdict(t) for t in self.themes],
            "k_scores": {str(k): v for k, v in self.k_scores.items()},
        }
        arrays: dict[str, np.ndarray] = {
            "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            "centroids": self.centroids.astype(np.float32),
            "thresholds": self.thresholds.astype(np.float32),
            "idf": self.idf.astype(np.float32),
        }
        if self.components is not None:
            arrays["components"] = self.components.astype(np.float32)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, *, encoder: Encoder | None = None) -> ThemeModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            meta = json.loads(archive["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT_VERSION:
                raise ValueError(f"unsupported theme model format {meta.get('format')!r}")
            return cls(
                method=meta["method"],
                themes=[Theme(**t) for t in meta["themes"]],
                centroids=archive["centroids"],
                thresholds=archive["thresholds"],
                vocabulary=meta["vocabulary"],
                idf=archive["idf"],
                components=archive["components"] if "components" in archive.files else None,
                n_items=meta["n_items"],
                analyzer_config=meta["analyzer"],
                k_scores={int(k): v for k, v in meta["k_scores"].items()},
                encoder=encoder,
            )


# -- fitting -----------------------------------------------------------------------------------------
def fit_themes(
    texts: Sequence[str],
    *,
    k: int | None = None,
    method: str = "tfidf",
    encoder: Encoder | None = None,
    k_range: tuple[int, int] | None = None,
    random_state: int = 0,
    n_quotes: int = 3,
    on_step: Callable[[str], None] | None = None,
) -> ThemeModel:
    """Cluster ``texts`` into themes.

    ``k`` fixes the number of themes; without it, k is chosen by silhouette within ``k_range``
    (default ``default_k_range``), see ``choose_k``.
    ``method="embeddings"`` uses sentence embeddings from ``encoder`` (default: the optional
    all-MiniLM-L6-v2 package, imported only then).
    ``on_step`` is told when each stage is over ("vectorised", "k chosen", "clustered"), so a job can show
    its progress.
    """
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if k is not None and k < 1:
        raise ValueError("k must be at least 1")
    texts = [text if isinstance(text, str) else "" for text in texts]
    n = len(texts)
    analyzer = TextAnalyzer()
    vectorizer = TfidfVectorizer(
        analyzer=analyzer,
        sublinear_tf=True,
        min_df=2 if n >= 50 else 1,
        max_df=0.5 if n >= 50 else 1.0,
        max_features=MAX_TERMS,
        dtype=np.float32,
    )
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop words or blanks: no themes to find
        return _empty_model(method, n, encoder)
    vocabulary = vectorizer.get_feature_names_out().tolist()

    components = None
    if method == "tfidf":
        has_content = tfidf.getnnz(axis=1) > 0
        dims = min(MAX_LSA_DIMENSIONS, tfidf.shape[1] - 1, int(has_content.sum()) - 1)
        if dims >= 2:
            svd = TruncatedSVD(dims, algorithm="randomized", n_iter=5, random_state=random_state)
            # The projection is learnt on a sample: the top directions settle long before 100,000 rows.
            rows = np.flatnonzero(has_content)
            if len(rows) > LSA_FIT_SAMPLE:
                rows = np.random.default_rng(random_state).choice(rows, LSA_FIT_SAMPLE, replace=False)
            svd.fit(tfidf[rows])
            components = svd.components_.astype(np.float32)
        vectors = normalize(_project(tfidf, components))
    else:
        has_content = np.array([bool(t.strip()) for t in texts])
        vectors = np.zeros((n, 0), dtype=np.float32)
        if has_content.any():
            encoded = _embed([texts[i] for i in np.flatnonzero(has_content)], encoder)
            vectors = np.zeros((n, encoded.shape[1]), dtype=np.float32)
            vectors[has_content] = encoded
    if on_step:
        on_step("vectorised")
    content_rows = np.flatnonzero(has_content & np.any(vectors, axis=1))
    if len(content_rows) == 0:
        return _empty_model(method, n, encoder, vocabulary, vectorizer.idf_, components)
    # float64 on purpose: scikit-learn's distance code upcasts float32 in chunks, several times slower.
    points = vectors[content_rows].astype(np.float64)
    # Distinct points bound k; one random projection tells them apart as well as comparing whole rows.
    fingerprint = points @ np.random.default_rng(random_state).standard_normal(points.shape[1])
    distinct = len(np.unique(fingerprint.round(9)))

    k_scores: dict[int, float] = {}
    if k is None:
        low, high = k_range or default_k_range(len(points))
        k, k_scores = choose_k(points, low, min(high, distinct), random_state=random_state)
    k = max(1, min(k, distinct))
    if on_step:
        on_step("k chosen")

    kmeans = KMeans(k, n_init=3 if len(points) <= 20_000 else 1, random_state=random_state)
    kmeans.fit(points)
    # One spherical step: unit centroids and cosine assignment, so assign() on the fitted texts agrees
    # with the fit exactly.
    centroids = normalize(kmeans.cluster_centers_)
    local = (points @ centroids.T).argmax(axis=1)
    order = [c for c in np.argsort(-np.bincount(local, minlength=k), kind="stable") if np.any(local == c)]
    if on_step:
        on_step("clustered")

    surface = _surface_forms(texts, analyzer)
    overall_mean = tfidf[content_rows].mean(axis=0)
    themes, theme_centroids, thresholds = [], [], []
    for theme_id, cluster in enumerate(order):
        in_cluster = local == cluster
        centroid, threshold, theme = _describe(
            theme_id,
            points[in_cluster],
            content_rows[in_cluster],
            texts,
            content_rows[in_cluster],
            tfidf[content_rows[in_cluster]],
            overall_mean,
            vocabulary,
            surface,
            n_quotes,
        )
        themes.append(theme)
        theme_centroids.append(centroid)
        thresholds.append(threshold)

    model = ThemeModel(
        method=method,
        themes=themes,
        centroids=np.array(theme_centroids, dtype=np.float32),
        thresholds=np.array(thresholds, dtype=np.float32),
        vocabulary=vocabulary,
        idf=vectorizer.idf_.astype(np.float32),
        components=components,
        n_items=n,
        analyzer_config=analyzer.config(),
        k_scores=k_scores,
        encoder=encoder,
    )
    model._vectorizer = vectorizer
    return model


def default_k_range(n_items: int) -> tuple[int, int]:
    """3 .. sqrt(n/2) (the rule of thumb in Mardia, Kent & Bibby 1979), at most 100 themes."""
    return MIN_AUTO_THEMES, max(MIN_AUTO_THEMES, min(MAX_AUTO_THEMES, round(math.sqrt(n_items / 2))))


def choose_k(
    points: np.ndarray, k_min: int, k_max: int, *, random_state: int = 0, sample_size: int = K_SELECTION_SAMPLE
) -> tuple[int, dict[int, float]]:
    """Smallest k on a geometric grid whose silhouette (on a sample) reaches SILHOUETTE_SHARE of the best.

    Silhouette on text keeps creeping up with k, so taking the best alone would pick the largest k; the
    share keeps the count as small as the data allows. (Subsample stability was tried too: it was noisy
    and U-shaped on banking77, so it chose 3 themes as often as 100.)
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    k_min = max(2, k_min)
    if k_max <= k_min or len(points) < 2 * k_min + 2:
        return max(1, min(k_min, len(points))), {}
    rng = np.random.default_rng(random_state)
    sample = points if len(points) <= sample_size else points[rng.choice(len(points), sample_size, replace=False)]
    k_max = min(k_max, len(sample) // 2)
    grid = sorted({round(float(v)) for v in np.geomspace(k_min, k_max, num=K_GRID_POINTS)})
    scores: dict[int, float] = {}
    for candidate in grid:
        labels = KMeans(candidate, n_init=2, random_state=random_state).fit_predict(sample)
        if len(np.unique(labels)) > 1:
            scores[candidate] = float(silhouette_score(sample, labels))
    if not scores:
        return k_min, scores
    best = max(scores.values())
    chosen = min(c for c, score in scores.items() if score >= best - (1 - SILHOUETTE_SHARE) * abs(best))
    return chosen, scores


def _describe(
    theme_id: int,
    points: np.ndarray,
    members: np.ndarray,
    texts: Sequence[str],
    text_rows: np.ndarray,
    member_tfidf: sparse.spmatrix,
    overall_mean: np.ndarray,
    vocabulary: list[str],
    surface: dict[str, str],
    n_quotes: int = 3,
) -> tuple[np.ndarray, float, Theme]:
    """Centroid, novelty threshold and the readable record of one cluster."""
    from sklearn.preprocessing import normalize

    centroid = normalize(points.mean(axis=0, keepdims=True))[0]
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


def _surface_forms(texts: Sequence[str], analyzer: TextAnalyzer, limit: int = 20_000) -> dict[str, str]:
    """The commonest word behind each stem, from (an even sample of) the texts."""
    step = max(1, len(texts) // limit)
    counts: dict[str, Counter[str]] = {}
    for text in texts[::step]:
        for word, stem in analyzer.words(text or ""):
            counts.setdefault(stem, Counter())[word] += 1
    return {stem: c.most_common(1)[0][0] for stem, c in counts.items()}


def _project(tfidf: sparse.spmatrix, components: np.ndarray | None) -> np.ndarray:
    if components is None:
        return tfidf.toarray().astype(np.float32)
    return np.asarray(tfidf @ components.T, dtype=np.float32)


def _embed(texts: list[str], encoder: Encoder | None) -> np.ndarray:
    from sklearn.preprocessing import normalize

    if encoder is None:
        from outsidein.voice.analysis.embeddings import default_encoder

        encoder = default_encoder()
    blank = np.array([not t.strip() for t in texts], dtype=bool)
    vectors = np.asarray(encoder([t if t.strip() else "." for t in texts]), dtype=np.float32)
    vectors = normalize(vectors)
    vectors[blank] = 0.0
    return vectors


def _rebuild_vectorizer(vocabulary: list[str], idf: np.ndarray, analyzer_config: dict[str, Any]) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer=TextAnalyzer(**analyzer_config),
        vocabulary={term: i for i, term in enumerate(vocabulary)},
        sublinear_tf=True,
        dtype=np.float32,
    )
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    return vectorizer


def _empty_model(
    method: str,
    n: int,
    encoder: Encoder | None,
    vocabulary: list[str] | None = None,
    idf: np.ndarray | None = None,
    components: np.ndarray | None = None,
) -> ThemeModel:
    return ThemeModel(
        method=method,
        themes=[],
        centroids=np.zeros((0, 1), dtype=np.float32),
        thresholds=np.zeros(0, dtype=np.float32),
        vocabulary=vocabulary or [],
        idf=np.asarray(idf if idf is not None else [], dtype=np.float32),
        components=components,
        n_items=n,
        encoder=encoder,
    )


# -- figures per theme -------------------------------------------------------------------------------
@dataclass
class ThemeSummary:
    theme_id: int
    size: int
    average_sentiment: float | None  # mean of the items that have a score
    recent_count: int  # items in the last window
    previous_count: int  # items in the window before it
    trend: float | None  # change in the theme's share of all items, recent window minus previous window
    revenue_at_stake: float | None  # sum of the revenues of the distinct accounts that raised the theme
    accounts: int


def summarise_themes(
    theme_ids: Sequence[int] | np.ndarray,
    *,
    sentiment: Sequence[float] | np.ndarray | None = None,
    timestamps: Sequence[Any] | np.ndarray | None = None,
    account_ids: Sequence[Any] | np.ndarray | None = None,
    revenue: Sequence[float] | np.ndarray | None = None,
    now: Any = None,
    window_days: float = 30.0,
) -> list[ThemeSummary]:
    """Size, average sentiment, trend and revenue at stake per theme, from per-item arrays.

    ``timestamps`` accept datetimes (aware ones are compared in UTC), ``numpy.datetime64`` or epoch seconds.
    The trend compares the theme's share of all items in the last ``window_days`` before ``now`` (default:
    the latest timestamp) with its share in the window before; shares, not counts, so a quiet month does
    not look like an improving theme. ``revenue`` is the revenue of each item's account; each account counts
    once per theme however many items it raised. Unassigned items (``UNASSIGNED``) get no summary.
    """
    ids = np.asarray(theme_ids, dtype=np.int64)
    n = len(ids)
    scores = _float_array(sentiment, n)
    seconds = _seconds(timestamps, n)
    money = _float_array(revenue, n)
    accounts = list(account_ids) if account_ids is not None else None
    if accounts is not None and len(accounts) != n:
        raise ValueError("account_ids must have one entry per item")

    recent = previous = None
    if seconds is not None and np.isfinite(seconds).any():
        end = _seconds([now], 1)[0] if now is not None else np.nanmax(seconds)
        width = window_days * 86_400.0
        recent = (seconds > end - width) & (seconds <= end)
        previous = (seconds > end - 2 * width) & (seconds <= end - width)

    summaries = []
    for theme_id in sorted(set(ids.tolist()) - {UNASSIGNED}):
        member = ids == theme_id
        average = None
        if scores is not None and np.isfinite(scores[member]).any():
            average = float(np.nanmean(scores[member]))
        trend, recent_count, previous_count = None, 0, 0
        if recent is not None and previous is not None:
            recent_count = int((member & recent).sum())
            previous_count = int((member & previous).sum())
            if recent.any() and previous.any():
                trend = recent_count / int(recent.sum()) - previous_count / int(previous.sum())
        at_stake, distinct = None, 0
        if accounts is not None:
            per_account: dict[Any, float] = {}
            for i in np.flatnonzero(member):
                account = accounts[i]
                if account is None or account == "":
                    continue
                value = money[i] if money is not None else np.nan
                per_account[account] = max(per_account.get(account, 0.0), 0.0 if np.isnan(value) else value)
            distinct = len(per_account)
            if money is not None:
                at_stake = float(sum(per_account.values()))
        summaries.append(
            ThemeSummary(
                theme_id=int(theme_id),
                size=int(member.sum()),
                average_sentiment=average,
                recent_count=recent_count,
                previous_count=previous_count,
                trend=trend,
                revenue_at_stake=at_stake,
                accounts=distinct,
            )
        )
    return summaries


def _float_array(values: Sequence[Any] | np.ndarray | None, n: int) -> np.ndarray | None:
    if values is None:
        return None
    array = np.array([np.nan if v is None else v for v in values], dtype=float)
    if len(array) != n:
        raise ValueError("every per-item array must have one entry per item")
    return array


def _seconds(values: Sequence[Any] | np.ndarray | None, n: int) -> np.ndarray | None:
    """Epoch seconds (NaN where missing) from datetimes, datetime64 or numbers."""
    if values is None:
        return None
    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.datetime64):
        out = array.astype("datetime64[ms]").astype(np.float64) / 1000.0
        out[np.isnat(array)] = np.nan
    else:
        out = np.array([_one_second(v) for v in values], dtype=float)
    if len(out) != n:
        raise ValueError("timestamps must have one entry per item")
    return out


def _one_second(value: Any) -> float:
    if value is None:
        return np.nan
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()
    if isinstance(value, np.datetime64):
        return np.nan if np.isnat(value) else value.astype("datetime64[ms]").astype(np.float64) / 1000.0
    return float(value)
