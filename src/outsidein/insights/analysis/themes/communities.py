"""Themes as communities of a similarity graph: how many there are follows from the texts, not from a cap.

Each text is joined to its nearest neighbours by meaning (cosine of sentence embeddings); Leiden (Traag, Waltman &
van Eck 2019, scikit-network's implementation) then finds groups of texts more connected to each other than chance
would give. A text in a group too small to be a theme is placed in the nearest theme, and themes whose centres
are near-duplicates are joined. On banking77 this found 76 themes for 77 intents (NMI 0.81), where k-means with
k chosen by silhouette swung between 64 and 105 themes by seed (docs/benchmarks.md).
"""

from __future__ import annotations

import ctypes
import functools
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

NEIGHBOURS = 10
# Above 1, Leiden prefers more, tighter groups than plain modularity: customer topics are narrow ("card not
# arrived" is not "card declined"). 2 is the round value that kept topics apart on banking77 at 1,000–10,000 texts.
RESOLUTION = 2.0
# Up to this many texts the neighbours are found exactly; above it within the nearest cells of a coarse k-means,
# which keeps 100,000 texts at seconds instead of minutes.
EXACT_NEIGHBOURS_UP_TO = 20_000
CELLS_SEARCHED = 6
ROWS_PER_BLOCK = 1024


def communities(points: NDArray[np.floating], *, random_state: int = 0) -> NDArray[np.int64]:
    """A theme number per row of ``points`` (unit vectors), 0 .. k-1, every row placed."""
    from sknetwork.clustering import Leiden

    n = len(points)
    if n < 3:
        return np.zeros(n, dtype=np.int64)
    vectors = np.ascontiguousarray(points, dtype=np.float32)
    graph = _neighbour_graph(vectors, min(NEIGHBOURS, n - 1), random_state)
    # scikit-network's Leiden refines its communities with the C library's rand(), whose state the whole process
    # shares, not with random_state: seeded here, under a lock, so the same texts give the same themes each run
    # (unseeded, three runs on banking77 gave 71, 71 and 72 themes).
    with _SEEDING:
        if (c_library := _c_library()) is not None:
            c_library.srand(ctypes.c_uint(random_state % 2**32))
        found = Leiden(resolution=RESOLUTION, random_state=random_state).fit_predict(graph)
    labels = np.asarray(found, dtype=np.int64)
    # Two texts saying the same thing are a theme in a small collection; in a large one it takes more.
    return _place_small_groups(vectors, labels, min_size=2 if n < 100 else max(3, math.ceil(n / 2000)))


_SEEDING = threading.Lock()


@functools.cache
def _c_library() -> Any:
    try:
        return ctypes.CDLL(None)  # the process's own symbols, the C library's among them
    except (OSError, TypeError):  # no such handle on Windows: themes are then as random as Leiden makes them
        return None


def _neighbour_graph(vectors: NDArray[np.float32], k: int, random_state: int) -> object:
    """Symmetric sparse graph: each text to its k most similar texts, weighted by their cosine (negative: 0)."""
    from scipy import sparse

    n = len(vectors)
    if n <= EXACT_NEIGHBOURS_UP_TO:
        rows, cols, sims = _exact_neighbours(vectors, np.arange(n), vectors, np.arange(n), k)
    else:
        rows, cols, sims = _cell_neighbours(vectors, k, random_state)
    graph = sparse.csr_matrix((np.clip(sims, 0, None), (rows, cols)), shape=(n, n))
    return graph.maximum(graph.T)


def _exact_neighbours(queries: NDArray[np.float32], query_ids: NDArray[np.int64], pool: NDArray[np.float32],
                      pool_ids: NDArray[np.int64], k: int) -> tuple[NDArray[np.int64], ...]:
    k = min(k, len(pool_ids) - 1)
    if k < 1:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)

    def block(start: int) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.floating]]:
        similar = queries[start:start + ROWS_PER_BLOCK] @ pool.T
        ids = query_ids[start:start + ROWS_PER_BLOCK]
        similar[pool_ids[None, :] == ids[:, None]] = -2.0  # a text is not its own neighbour
        nearest = np.argpartition(similar, -k, axis=1)[:, -k:]
        return np.repeat(ids, k), pool_ids[nearest].ravel(), np.take_along_axis(similar, nearest, axis=1).ravel()

    starts = range(0, len(queries), ROWS_PER_BLOCK)
    if len(starts) == 1:
        parts = [block(0)]
    else:
        # NumPy's partition lets go of the interpreter lock, so blocks side by side use every core: on two cores
        # the neighbours of 10,000 texts took 1.1-1.3 s instead of 2.0 s.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool_of_threads:
            parts = list(pool_of_threads.map(block, starts))
    rows, cols, sims = zip(*parts, strict=True)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)


def _cell_neighbours(vectors: NDArray[np.float32], k: int, random_state: int) -> tuple[NDArray[np.int64], ...]:
    """Approximate neighbours: texts are grouped into about √n cells; each cell's texts are compared with the texts
    of the CELLS_SEARCHED cells nearest its centre (an inverted-file search)."""
    from sklearn.cluster import MiniBatchKMeans

    n = len(vectors)
    cells = max(2, round(math.sqrt(n)))
    # The cells' first centres come from a small sample: on 100,000 texts k-means++ over the default sample (12,288
    # rows) took 8 s of a 3-minute analysis, and a 2,048-row one finds neighbours as well (recall 0.919 against
    # 0.921 on 25,000 texts).
    coarse = MiniBatchKMeans(cells, batch_size=4096, n_init=1, init_size=max(2048, 3 * cells),
                             random_state=random_state).fit(vectors)
    cell_of = coarse.labels_
    centres = coarse.cluster_centers_.astype(np.float32)
    nearest_cells = np.argsort(-(centres @ centres.T), axis=1)[:, :CELLS_SEARCHED]
    members = [np.flatnonzero(cell_of == c) for c in range(cells)]
    parts = []
    for cell in range(cells):
        if not len(members[cell]):
            continue
        pool_ids = np.concatenate([members[c] for c in nearest_cells[cell]])
        parts.append(_exact_neighbours(vectors[members[cell]], members[cell], vectors[pool_ids], pool_ids, k))
    rows, cols, sims = zip(*parts, strict=True)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)


def _place_small_groups(vectors: NDArray[np.float32], labels: NDArray[np.int64], min_size: int) -> NDArray[np.int64]:
    """Texts of groups under ``min_size`` go to the theme whose centre is nearest; themes are renumbered 0 .. k-1."""
    sizes = np.bincount(labels)
    kept = np.flatnonzero(sizes >= min_size)
    if len(kept) == 0:
        kept = np.array([int(sizes.argmax())])
    centres = np.vstack([vectors[labels == c].mean(axis=0) for c in kept])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    renumber = np.full(len(sizes), -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    placed = renumber[labels]
    stray = placed < 0
    if stray.any():
        placed[stray] = (vectors[stray] @ centres.T).argmax(axis=1)
    return placed
