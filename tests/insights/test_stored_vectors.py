"""A theme analysis by meaning run again encodes only the texts it has not seen: the vectors are kept."""

import functools

import factories
import pytest

from outsidein.core import embeddings
from outsidein.insights import themes as themes_services
from outsidein.insights.models import TextEmbedding
from outsidein.insights.themes import stored_vectors

pytestmark = pytest.mark.skipif(not embeddings.is_available(), reason="the model package is not installed")

add_feedback = functools.partial(factories.feedback_item, source_name="test")
TEXTS = ["The parcel arrived late again", "Delivery was two days late", "Driver never showed up",
         "The invoice amount is wrong", "We were billed twice this month", "Invoice does not match the quote",
         "I cannot log in to the portal", "Password reset email never came", "Locked out of my account"]


@pytest.fixture
def encoded(monkeypatch):
    """How many texts the model was asked to encode, call by call."""
    calls: list[int] = []
    real = stored_vectors._encode

    def counting(texts):
        calls.append(len(texts))
        return real(texts)

    monkeypatch.setattr(stored_vectors, "_encode", counting)
    return calls


def test_a_second_analysis_reads_the_vectors_and_encodes_only_what_is_new(workspace, encoded):
    for text in TEXTS * 2:  # the same words twice are encoded once
        add_feedback(workspace, text)
    themes_services.run_theme_analysis(workspace, k=3, method="embeddings")
    assert encoded == [len(TEXTS)]
    assert TextEmbedding.objects.filter(workspace=workspace).count() == len(TEXTS)

    first = {t.name: t.size for t in themes_services.live_themes(workspace)}
    encoded.clear()
    themes_services.run_theme_analysis(workspace, k=3, method="embeddings")
    assert encoded == []  # fitting and measuring distances both read the store
    assert {t.name: t.size for t in themes_services.live_themes(workspace)} == first

    add_feedback(workspace, "The courier left the parcel in the rain")
    themes_services.run_theme_analysis(workspace, k=3, method="embeddings")
    assert encoded == [1]


def test_one_workspace_never_reads_another_s_vectors(workspace, other_workspace, encoded):
    for ws in (workspace, other_workspace):
        for text in TEXTS:
            add_feedback(ws, text)
    themes_services.run_theme_analysis(workspace, k=3, method="embeddings")
    themes_services.run_theme_analysis(other_workspace, k=3, method="embeddings")
    assert encoded == [len(TEXTS), len(TEXTS)]
    assert TextEmbedding.objects.filter(workspace=other_workspace).count() == len(TEXTS)


def test_a_store_far_larger_than_the_texts_is_cleared_and_filled_again(workspace, encoded):
    for text in TEXTS:
        add_feedback(workspace, text)
    stale = [TextEmbedding(workspace=workspace, model_name=embeddings.vectors_key(), digest=f"{i:032x}",
                           vector=bytes(2 * embeddings.DIMENSIONS)) for i in range(1_100)]
    TextEmbedding.objects.bulk_create(stale)
    themes_services.run_theme_analysis(workspace, k=3, method="embeddings")
    assert TextEmbedding.objects.filter(workspace=workspace).count() == len(TEXTS)


def test_vectors_of_an_earlier_graph_are_never_read_and_are_cleared(workspace, encoded):
    """A new graph (or model package) changes every vector a little: the kept ones of the old one are not mixed in."""
    for text in TEXTS:
        add_feedback(workspace, text)
    themes_services.run_theme_analysis(workspace, k=3, method="embeddings")
    TextEmbedding.objects.filter(workspace=workspace).update(model_name=f"{embeddings.MODEL_NAME}-0.0.1-g1")
    encoded.clear()
    themes_services.run_theme_analysis(workspace, k=3, method="embeddings")
    assert encoded == [len(TEXTS)]  # encoded afresh with the model as installed
    keys = set(TextEmbedding.objects.filter(workspace=workspace).values_list("model_name", flat=True))
    assert keys == {embeddings.vectors_key()}
