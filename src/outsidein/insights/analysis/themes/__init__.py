"""Themes: group feedback text into clusters a person can name, with no model by default.

The default method ("tfidf") weighs stemmed words and word pairs by sublinear TF-IDF, reduces them with
LSA (TruncatedSVD) and runs k-means on the L2-normalised result, which is k-means on cosine similarity.
On banking77 this beat k-means on the raw TF-IDF and NMF in both NMI and time (docs/benchmarks.md).
The "embeddings" method swaps the vector space for sentence embeddings (optional extra, see embeddings.py);
labels come from the same TF-IDF terms in both methods so they stay readable words.

A fitted ``ThemeModel`` assigns new texts to its themes without a re-fit (nearest centroid, with a
similarity floor per theme below which an item is "unassigned": something new) and round-trips through
``to_bytes``/``from_bytes`` (an ``.npz`` archive without pickles, so a stored model cannot run code).

``vectors`` turns texts into vectors, ``clustering`` fits the themes, ``labels`` names them, ``model`` keeps the fit
and places new texts, ``summary`` gives each theme's figures. This module names what the rest of the product uses.
"""

from outsidein.insights.analysis.themes.clustering import choose_k, default_k_range, fit_themes
from outsidein.insights.analysis.themes.labels import Theme, make_label
from outsidein.insights.analysis.themes.model import FORMAT_VERSION, METHODS, UNASSIGNED, ThemeModel, TooAlikeToSplit
from outsidein.insights.analysis.themes.summary import ThemeSummary, summarise_themes
from outsidein.insights.analysis.themes.vectors import Encoder, TextAnalyzer, stop_words

__all__ = [
    "FORMAT_VERSION", "METHODS", "UNASSIGNED", "Encoder", "TextAnalyzer", "Theme", "ThemeModel", "ThemeSummary",
    "TooAlikeToSplit", "choose_k", "default_k_range", "fit_themes", "make_label", "stop_words", "summarise_themes",
]
