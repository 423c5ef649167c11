"""Which vector space themes use: sentence embeddings when the packaged model is installed, TF-IDF otherwise.

The encoder itself is ``outsidein.core.embeddings`` (all-MiniLM-L6-v2 on onnxruntime, no torch), shared with the
other areas that compare texts by meaning.
"""

from __future__ import annotations

from outsidein.core.embeddings import EmbeddingsUnavailable, Encoder, is_available

__all__ = ["EmbeddingsUnavailable", "Encoder", "default_method", "is_available"]


def default_method() -> str:
    """"embeddings" where the model is installed (``make run`` installs it), else the fast word-pattern method."""
    return "embeddings" if is_available() else "tfidf"
