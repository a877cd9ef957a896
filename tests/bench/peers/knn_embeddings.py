"""The learned peer: kNN over sentence embeddings (all-MiniLM-L6-v2), as in RouteLLM's kNN router.

A prompt's score is the mean quality gap (strong - weak) of the k training prompts whose
embeddings are nearest by cosine similarity. It is trained inside each dev table on the same
split as ours (`fit_weights.fold_of`, first salt): each fold is scored by neighbours from the
other four folds only, and k is chosen on those four folds alone (leave-one-fold-out among them,
APGR of the pooled predictions), so no test prompt ever informs its own score or its k.

The embeddings come from a worker in a separate venv (`environment.py`, `embed_worker.py`) and
are cached as .npy files next to that venv, keyed by the prompts' hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bytechat_tui.routing.evaluation import evaluate_pair

from . import environment

KS = (1, 3, 5, 10, 20, 50, 100, 200)
"""Candidate neighbourhood sizes."""
WORKER = Path(__file__).resolve().parent / "embed_worker.py"
CACHE_VERSION = "minilm-l6-v2-gt0.1.0-st6.2.0"


def embed_tables(
    tables: dict[str, Sequence[str]], timing: dict[str, Sequence[int]]
) -> tuple[dict[str, np.ndarray], dict]:
    """Embeddings of every prompt of every table, and the worker's one-message timings."""
    python = environment.ensure()
    cache = environment.venv_dir() / "embeddings"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as scratch:
        request: dict = {"tables": {}, "timing_threads": 1}
        files = {}
        for name, prompts in tables.items():
            digest = hashlib.sha256(("\0".join(prompts) + CACHE_VERSION).encode("utf-8")).hexdigest()[:16]
            files[name] = cache / f"{name}-{digest}.npy"
            prompts_file = Path(scratch) / f"{name}.json"
            prompts_file.write_text(json.dumps(list(prompts)), encoding="utf-8")
            request["tables"][name] = {"prompts": str(prompts_file), "embeddings": str(files[name]),
                                       "timing": list(timing[name])}
        request_file = Path(scratch) / "request.json"
        result_file = Path(scratch) / "result.json"
        request_file.write_text(json.dumps(request), encoding="utf-8")
        env = {**os.environ, **environment.OFFLINE, "TOKENIZERS_PARALLELISM": "false"}
        subprocess.run([str(python), "-P", str(WORKER), str(request_file), str(result_file)], check=True, env=env,
                       stdout=sys.stderr)
        result = json.loads(result_file.read_text(encoding="utf-8"))
    return {name: np.load(path) for name, path in files.items()}, result


def _neighbour_gaps(train: np.ndarray, gaps: np.ndarray, queries: np.ndarray, k_max: int) -> np.ndarray:
    """For each query, the gaps of its k_max nearest training prompts, nearest first."""
    k_max = min(k_max, len(train))
    out = np.empty((len(queries), k_max), dtype=np.float64)
    for start in range(0, len(queries), 2048):
        sims = queries[start:start + 2048] @ train.T
        top = np.argpartition(-sims, k_max - 1, axis=1)[:, :k_max]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable")
        out[start:start + 2048] = gaps[np.take_along_axis(top, order, axis=1)]
    return out


def _predictions(neighbour_gaps: np.ndarray, ks: Sequence[int]) -> dict[int, np.ndarray]:
    """Mean gap of the k nearest, for every k in ks, from one neighbour table."""
    running = np.cumsum(neighbour_gaps, axis=1)
    return {k: running[:, min(k, neighbour_gaps.shape[1]) - 1] / min(k, neighbour_gaps.shape[1]) for k in ks}


def choose_k(embeddings: np.ndarray, weak: np.ndarray, strong: np.ndarray, folds: np.ndarray,
             ks: Sequence[int] = KS) -> int:
    """The k whose leave-one-fold-out predictions rank these (training) prompts best."""
    gaps = strong - weak
    pooled = {k: np.zeros(len(gaps)) for k in ks}
    for fold in np.unique(folds):
        inner_test = folds == fold
        neighbours = _neighbour_gaps(embeddings[~inner_test], gaps[~inner_test], embeddings[inner_test], max(ks))
        for k, predicted in _predictions(neighbours, ks).items():
            pooled[k][inner_test] = predicted
    apgr = {k: evaluate_pair(list(pooled[k]), list(weak), list(strong), permutations=0).apgr for k in ks}
    return max(ks, key=lambda k: (apgr[k], -k))


def out_of_fold(embeddings: np.ndarray, weak: np.ndarray, strong: np.ndarray, folds: np.ndarray,
                ks: Sequence[int] = KS) -> tuple[np.ndarray, list[int]]:
    """Each prompt's predicted gap from the other folds, and the k chosen for each fold."""
    gaps = strong - weak
    scores = np.zeros(len(gaps))
    chosen = []
    for fold in sorted(np.unique(folds)):
        test = folds == fold
        train = ~test
        k = choose_k(embeddings[train], weak[train], strong[train], folds[train], ks)
        neighbours = _neighbour_gaps(embeddings[train], gaps[train], embeddings[test], k)
        scores[test] = neighbours.mean(axis=1)
        chosen.append(int(k))
    return scores, chosen


def search_seconds(
    embeddings: np.ndarray, gaps: np.ndarray, indices: Sequence[int], k: int, repeats: int = 3
) -> list[float]:
    """Time of the neighbour search alone for one message against the whole table (numpy, this process)."""
    import statistics

    times = []
    for index in indices:
        query = embeddings[index]
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            sims = embeddings @ query
            top = np.argpartition(-sims, k - 1)[:k]
            float(gaps[top].mean())
            samples.append(time.perf_counter() - start)
        times.append(statistics.median(samples))
    return times
