"""A fitted set of themes (ThemeModel): places new texts among its themes and round-trips through bytes."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal, overload

import numpy as np
from numpy.typing import NDArray

from outsidein.insights.analysis.themes.labels import TOP_TERMS, Theme, _describe, _interleave
from outsidein.insights.analysis.themes.vectors import (
    Encoder,
    TextAnalyzer,
    _embed,
    _project,
    _rebuild_vectorizer,
    _surface_forms,
)

# scikit-learn (and the scipy it loads) takes about a second to import, and the web app imports this module
# at start-up for its constants and types; so each function imports the parts it uses when it runs.
if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer


METHODS = ("tfidf", "embeddings")
UNASSIGNED = -1
FORMAT_VERSION = 1


class TooAlikeToSplit(ValueError):
    """A theme's texts are too alike for the number of parts asked for."""


@dataclass
class ThemeModel:
    """A fitted set of themes, able to place new texts among them."""

    method: str
    themes: list[Theme]
    # float32 as fitted and as stored; a split widens them to float64 until the model is stored again.
    centroids: NDArray[np.floating]  # (k, d), unit rows, in the model's vector space
    thresholds: NDArray[np.floating]  # (k,), minimum cosine similarity for a new item to join each theme
    vocabulary: list[str]
    idf: NDArray[np.float32]
    components: NDArray[np.float32] | None  # LSA projection (d, n_terms) for the tfidf method
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
    def assignments(self) -> NDArray[np.int64]:
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

    def vectors(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Unit vectors of ``texts`` in the model's space; texts without content give zero rows."""
        from sklearn.preprocessing import normalize

        texts = [text or "" for text in texts]
        if self.method == "embeddings":
            return _embed(texts, self.encoder)
        tfidf = self.vectorizer().transform(texts)
        vectors: NDArray[np.float32] = normalize(_project(tfidf, self.components))
        return vectors

    def similarities(self, texts: Sequence[str]) -> NDArray[np.floating]:
        """Cosine similarity of each text to each theme, shape (len(texts), k)."""
        similarity: NDArray[np.floating] = self.vectors(texts) @ self.centroids.T
        return similarity

    @overload
    def assign(self, texts: Sequence[str], *, with_similarity: Literal[False] = False) -> NDArray[np.int64]: ...

    @overload
    def assign(self, texts: Sequence[str], *,
               with_similarity: Literal[True]) -> tuple[NDArray[np.int64], NDArray[np.floating]]: ...

    def assign(self, texts: Sequence[str], *, with_similarity: bool = False,
               ) -> NDArray[np.int64] | tuple[NDArray[np.int64], NDArray[np.floating]]:
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
        from outsidein.insights.analysis.themes.phrases import name_themes

        others = [t.label for t in self.themes if t.id != theme.id]
        name_themes(new_themes, [[texts[i] for i in t.member_indices] for t in new_themes], member_texts,
                    centres=np.array(centroids) if self.method == "embeddings" else None,
                    encode=self.vectors if self.method == "embeddings" else None, taken=others)
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
        arrays: dict[str, NDArray[np.uint8] | NDArray[np.float32]] = {
            "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
            "centroids": self.centroids.astype(np.float32),
            "thresholds": self.thresholds.astype(np.float32),
            "idf": self.idf.astype(np.float32),
        }
        if self.components is not None:
            arrays["components"] = self.components.astype(np.float32)
        buffer = io.BytesIO()
        # The archive's arrays are named by the keywords; none of them holds objects, so none is pickled.
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
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
