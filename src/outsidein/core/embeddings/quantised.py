"""The encoder with most of its matrix products in 8-bit integers, scaled once from fixed calibration texts.

The products that take a layer-normed input (the query/key/value projection and the first feed-forward layer)
hold most of the arithmetic and quantise well; the attention output, the second feed-forward layer (whose input
is GELU's long-tailed output) and the attention scores stay in 32-bit floats. Activation scales are
measured once, on ``calibration.txt`` (400 customer sentences of the project's own), and written into the graph,
so a text's vector never depends on the texts encoded beside it, which 8-bit *dynamic* quantisation (scales per
batch) could not promise. The calibration texts are padded as the encoder pads a batch (to its longest text, the
padding masked), so the scales are measured on real tokens only. Measured against the 32-bit graph on 3,000
banking77 texts: vectors at cosine 0.995 on average (0.978 at worst), encoding about a fifth faster (8.6 s
against 10.1 s); quantising every product instead put vectors at 0.95 on average (0.86 at worst).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

CALIBRATION = Path(__file__).with_name("calibration.txt")
# The weights (named by graph.py) whose products are quantised.
QUANTISED_WEIGHTS = ("qkv.w", "intermediate.dense.w")
CALIBRATION_BATCH = 32


def _batches(tokenizer: Any) -> Iterator[dict[str, np.ndarray]]:
    from outsidein.core.embeddings.runtime import padded

    texts = [line for line in CALIBRATION.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [encoding.ids for encoding in tokenizer.encode_batch(texts)]
    for start in range(0, len(ids), CALIBRATION_BATCH):
        yield padded(ids[start:start + CALIBRATION_BATCH])


def quantise(model: Any, target: Path, tokenizer: Any) -> None:
    """Write the quantised form of the 32-bit ``model`` (an ONNX ModelProto) to ``target``."""
    import tempfile

    import onnx
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Reader(CalibrationDataReader):  # type: ignore[misc]  # onnxruntime ships no type information
        def __init__(self) -> None:
            self.batches = _batches(tokenizer)

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self.batches, None)

    # The quantiser picks nodes by name; graph.py leaves them unnamed, so each takes its output's name.
    for node in model.graph.node:
        node.name = node.name or node.output[0]
    chosen = [node.name for node in model.graph.node
              if node.op_type == "MatMul" and node.input[1].endswith(QUANTISED_WEIGHTS)]
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "fp32.onnx"
        onnx.save(model, str(source))
        quantize_static(str(source), str(target), Reader(), quant_format=QuantFormat.QOperator, per_channel=True,
                        weight_type=QuantType.QInt8, activation_type=QuantType.QUInt8, nodes_to_quantize=chosen)
