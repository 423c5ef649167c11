"""Themes fitted from texts: k chosen by silhouette on a sample, k-means on the normalised vectors."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from outsidein.insights.analysis.themes.communities import communities
from outsidein.insights.analysis.themes.labels import _describe
from outsidein.insights.analysis.themes.model import METHODS, ThemeModel
from outsidein.insights.analysis.themes.phrases import name_themes
from outsidein.insights.analysis.themes.vectors import Encoder, TextAnalyzer, _embed, _project, _surface_forms

# scikit-learn (and the scipy it loads) takes about a second to import, and the web app imports this module
# at start-up for its constants and types; so each function imports the parts it uses when it runs.
if TYPE_CHECKING:
    pass


MAX_LSA_DIMENSIONS = 150
MAX_TERMS = 30_000
LSA_FIT_SAMPLE = 30_000
MAX_AUTO_THEMES = 100
# Two themes whose centres are this alike (cosine of sentence embeddings) are one topic said two ways: merged.
NEAR_DUPLICATE_THEMES = 0.88
K_SELECTION_SAMPLE = 3000
K_GRID_POINTS = 10
SILHOUETTE_SHARE = 0.9
# Two themes are rarely worth a theme analysis and a 2-way split is trivially stable, so auto k starts at 3.
MIN_AUTO_THEMES = 3


# New items less similar to their nearest theme than this quantile of that theme's own members are new.
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
    if method == "embeddings" and k is None:
        # By meaning, the texts' own neighbourhoods say how many themes there are (communities.py).
        local = _merge_near_duplicates(points, communities(points, random_state=random_state))
        k = int(local.max()) + 1
    else:
        local, k, k_scores = _k_means_themes(points, k, k_range, distinct, random_state)
    if on_step:
        on_step("k chosen")
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

    # Candidate names are encoded by the same model but kept out of a store of the texts' vectors, if it has one.
    phrase_encoder = getattr(encoder, "plain", encoder)
    name_themes(themes, [[texts[i] for i in t.member_indices] for t in themes], texts,
                centres=np.array(theme_centroids) if method == "embeddings" else None,
                encode=(lambda phrases: _embed(phrases, phrase_encoder)) if method == "embeddings" else None)
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


def _k_means_themes(points: NDArray[np.float64], k: int | None, k_range: tuple[int, int] | None, distinct: int,
                    random_state: int) -> tuple[NDArray[np.int64], int, dict[int, float]]:
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import normalize

    k_scores: dict[int, float] = {}
    if k is None:
        low, high = k_range or default_k_range(len(points))
        k, k_scores = choose_k(points, low, min(high, distinct), random_state=random_state)
    k = max(1, min(k, distinct))
    kmeans = KMeans(k, n_init=3 if len(points) <= 20_000 else 1, random_state=random_state)
    kmeans.fit(points)
    # One spherical step: unit centroids and cosine assignment, so assign() on the fitted texts agrees
    # with the fit exactly.
    local: NDArray[np.int64] = (points @ normalize(kmeans.cluster_centers_).T).argmax(axis=1)
    return local, k, k_scores


def default_k_range(n_items: int) -> tuple[int, int]:
    """3 .. sqrt(n/2) (the rule of thumb in Mardia, Kent & Bibby 1979), at most 100 themes."""
    return MIN_AUTO_THEMES, max(MIN_AUTO_THEMES, min(MAX_AUTO_THEMES, round(math.sqrt(n_items / 2))))


def _merge_near_duplicates(points: NDArray[np.float64], local: NDArray[np.int64]) -> NDArray[np.int64]:
    """Join clusters whose centres are NEAR_DUPLICATE_THEMES alike (average linkage, so a chain of slightly
    different clusters does not collapse into one): five themes about invoices become one."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.preprocessing import normalize

    present = np.unique(local)
    if len(present) < 2:
        return local
    centres = normalize(np.vstack([points[local == c].mean(axis=0) for c in present]))
    groups = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                     distance_threshold=1 - NEAR_DUPLICATE_THEMES).fit_predict(centres)
    mapping = np.zeros(int(present.max()) + 1, dtype=np.int64)
    mapping[present] = groups
    merged: NDArray[np.int64] = mapping[local]
    return merged


def choose_k(
    points: NDArray[np.float64], k_min: int, k_max: int, *, random_state: int = 0, sample_size: int = K_SELECTION_SAMPLE
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


def _empty_model(
    method: str,
    n: int,
    encoder: Encoder | None,
    vocabulary: list[str] | None = None,
    idf: NDArray[np.floating] | None = None,
    components: NDArray[np.float32] | None = None,
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


