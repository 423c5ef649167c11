"""Sentence embeddings kept per workspace: a theme analysis run again encodes only what it has not seen.

Encoding is nearly all of an analysis's time by meaning (100,000 texts: minutes; reading their vectors back:
seconds), and the analysis reads every text twice (to fit, then to measure each member's distance to its theme),
so both reads after the first come from the store.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray

from outsidein.core import embeddings
from outsidein.core.scoping import scoped
from outsidein.insights.models import TextEmbedding
from outsidein.workspaces.models import Workspace

READ_BATCH = 2_000
# A store holding many more vectors than the workspace has texts is mostly texts deleted or edited since: it is
# cleared and filled again by the run, rather than pruned row by row.
KEEP_AT_MOST = 2


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _encode(texts: list[str]) -> NDArray[np.float32]:
    return embeddings.encode(texts)


class StoredEncoder:
    """An encoder (texts in, unit vectors out) that reads and fills the workspace's store."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        # The same model without the store, for short phrases that are not texts of the workspace (theme names).
        self.plain = embeddings.encoder()
        self.key = embeddings.vectors_key()

    def __call__(self, texts: list[str]) -> NDArray[np.float32]:
        digests = [_digest(t) for t in texts]
        wanted = list(dict.fromkeys(digests))
        found: dict[str, NDArray[np.float16]] = {}
        rows = scoped(TextEmbedding, self.workspace).filter(model_name=self.key)
        for start in range(0, len(wanted), READ_BATCH):
            for digest, vector in rows.filter(digest__in=wanted[start:start + READ_BATCH]).values_list(
                    "digest", "vector"):
                found[digest] = np.frombuffer(bytes(vector), dtype=np.float16)
        first_text = dict(zip(digests, texts, strict=True))
        missing = [d for d in wanted if d not in found]
        if missing:
            fresh = _encode([first_text[d] for d in missing]).astype(np.float16)
            TextEmbedding.objects.bulk_create(
                [TextEmbedding(workspace=self.workspace, model_name=self.key, digest=d,
                               vector=fresh[i].tobytes()) for i, d in enumerate(missing)],
                batch_size=READ_BATCH, ignore_conflicts=True)
            found.update(zip(missing, fresh, strict=True))
        # Every vector goes through half precision, stored or fresh, so a text reads the same on every run.
        return np.vstack([found[d] for d in digests]).astype(np.float32) if digests else np.zeros(
            (0, embeddings.DIMENSIONS), dtype=np.float32)


def tidy_store(workspace: Workspace, texts_now: int) -> None:
    rows = scoped(TextEmbedding, workspace)
    # Vectors of an earlier model or graph are never read again (StoredEncoder reads its own key only).
    rows.exclude(model_name=embeddings.vectors_key()).delete()
    if rows.count() > KEEP_AT_MOST * texts_now + 1_000:
        rows.delete()
