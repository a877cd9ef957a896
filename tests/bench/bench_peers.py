"""Our router against its peers, side by side, on every pair table of the dev routing data.

    python tests/bench/bench_peers.py [--shared ../shared] [--permutations 10000] [--no-knn]

Routers (each is a score per prompt: the higher, the earlier it goes to the strong model):
  random          a salted hash of the prompt (peers/random.py)
  length          estimated tokens (peers/length.py)
  litellm score   LiteLLM's default heuristic complexity router, re-implemented (peers/litellm_complexity.py)
  litellm tier    the same, ranked only by the tier it routes to (4 levels, ties at their average)
  kNN MiniLM      kNN over all-MiniLM-L6-v2 embeddings, out-of-fold within each table (peers/knn_embeddings.py)
  ours shipped    `assess(prompt).score` with the shipped weights: fitted on ALL dev prompts, so in-sample
  ours CV         the same model, out-of-fold (tests/tools/fit_weights.py, same folds as the kNN peer)

Figures are RouteLLM's (bytechat_tui/routing/evaluation.py): APGR, CPT(50 %), CPT(80 %). Each
p-value is one-sided against one shared random-router null per table (permutations of the gaps,
seeded): the chance that a random order does at least as well (APGR at least as high, CPT at
least as low). Latency is the median per message over a fixed sample of each table's prompts;
for kNN it is embedding the message (torch, one thread, in the worker venv) plus the neighbour
search over the whole table. The first run creates the embedding venv and cache (a few minutes).
A figure, not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "tools"))

import fit_weights  # noqa: E402
from bytechat_tui.routing.classifier import assess  # noqa: E402
from bytechat_tui.routing.evaluation import evaluate_pair  # noqa: E402
from bytechat_tui.routing.features import extract  # noqa: E402
from bytechat_tui.routing.weights import RIDGE_STRENGTH  # noqa: E402
from bytechat_tui.tokens import estimate_tokens  # noqa: E402
from peers import knn_embeddings, length, litellm_complexity  # noqa: E402
from peers import random as random_peer  # noqa: E402

SALT = fit_weights.SALTS[0]
TIMING_SAMPLE = 300
EMBED_TIMING_SAMPLE = 100
NULL_SEED = 20240601


# ---------------------------------------------------------------------------------------------
# The random router's null distribution, shared by every router on a table.


def random_null(gaps: np.ndarray, permutations: int, seed: int) -> dict[str, np.ndarray]:
    """APGR, CPT(50 %) and CPT(80 %) of `permutations` random orders of the gaps."""
    rng = np.random.default_rng(seed)
    n, total = len(gaps), float(gaps.sum())
    out: dict[str, list[np.ndarray]] = {"apgr": [], "cpt50": [], "cpt80": []}
    chunk = max(1, 20_000_000 // n)
    done = 0
    while done < permutations:
        m = min(chunk, permutations - done)
        curve = np.cumsum(rng.permuted(np.tile(gaps, (m, 1)), axis=1), axis=1)  # gain after 1..n prompts
        out["apgr"].append((curve.sum(axis=1) - total / 2) / (n * total))
        for key, target in (("cpt50", 0.5), ("cpt80", 0.8)):
            out[key].append(_calls_to_reach(curve, target * total, n))
        done += m
    return {key: np.concatenate(values) for key, values in out.items()}


def _calls_to_reach(curve: np.ndarray, goal: float, n: int) -> np.ndarray:
    """Vectorised `evaluation.calls_to_reach`: share of strong calls where the gain first reaches goal."""
    reached = curve >= goal
    any_reached = reached.any(axis=1)
    k = np.argmax(reached, axis=1)  # 0-based: the (k+1)-th prompt reaches it
    after = curve[np.arange(len(curve)), k]
    before = np.where(k > 0, curve[np.arange(len(curve)), np.maximum(k - 1, 0)], 0.0)
    step = after - before
    fraction = np.where(step > 0, (goal - before) / np.where(step > 0, step, 1.0), 0.0)
    return np.where(any_reached, (k + fraction) / n, 1.0)


def p_value(null: np.ndarray, observed: float, higher_is_better: bool) -> float:
    hits = np.sum(null >= observed - 1e-12) if higher_is_better else np.sum(null <= observed + 1e-12)
    return (1 + int(hits)) / (1 + len(null))


# ---------------------------------------------------------------------------------------------
# Latency.


def median_call_seconds(function: Callable[[str], object], prompts: Sequence[str], repeats: int = 3) -> float:
    """Median over prompts of the median of `repeats` calls on each."""
    for text in prompts[:20]:
        function(text)
    times = []
    for text in prompts:
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            function(text)
            samples.append(time.perf_counter() - start)
        times.append(statistics.median(samples))
    return statistics.median(times)


def linear_scorer(weights: np.ndarray) -> Callable[[str], float]:
    """Ours as the CV row scores it: features, then the fold's linear weights (plain Python, like assess)."""
    values = [float(w) for w in weights]

    def score(prompt: str) -> float:
        features = extract(prompt, estimate_tokens(prompt)).values
        return sum(w * v for w, v in zip(values, features))

    return score


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--permutations", type=int, default=10_000)
    parser.add_argument("--no-knn", action="store_true", help="skip the embedding peer (no venv, no torch)")
    args = parser.parse_args()
    wall = time.perf_counter()

    data = {name: fit_weights.load(args.shared, name) for name in fit_weights.PAIR_TABLES}
    prompts = {name: table[3] for name, table in data.items()}
    weak = {name: table[1] for name, table in data.items()}
    strong = {name: table[2] for name, table in data.items()}
    folds = {name: np.array([fit_weights.fold_of(p, SALT) for p in prompts[name]]) for name in data}
    sample_rng = random.Random(7)
    timing = {name: sorted(sample_rng.sample(range(len(p)), min(TIMING_SAMPLE, len(p)))) for name, p in prompts.items()}

    # Ours, out of fold: one ridge fit per fold on the other folds of all four tables, as fit_weights does.
    ours_cv = fit_weights.out_of_fold(data, RIDGE_STRENGTH, SALT)

    scores: dict[str, dict[str, np.ndarray]] = {name: {} for name in data}
    for name, texts in prompts.items():
        scores[name]["random"] = np.array([random_peer.score(p) for p in texts])
        scores[name]["length"] = np.array([length.score(p) for p in texts])
        classified = [litellm_complexity.classify(p) for p in texts]
        scores[name]["litellm score"] = np.array([c.score for c in classified])
        scores[name]["litellm tier"] = np.array([float(litellm_complexity.TIERS.index(c.tier)) for c in classified])
        scores[name]["ours shipped"] = np.array([assess(p).score for p in texts])
        scores[name]["ours CV"] = ours_cv[name]

    knn_k: dict[str, list[int]] = {}
    knn_latency: dict[str, float] = {}
    knn_parts: dict[str, tuple[float, float]] = {}
    knn_note = ""
    if not args.no_knn:
        started = time.perf_counter()
        embed_timing = {name: timing[name][:: max(1, len(timing[name]) // EMBED_TIMING_SAMPLE)] for name in data}
        embeddings, worker = knn_embeddings.embed_tables(prompts, embed_timing)
        for name in data:
            knn_scores, knn_k[name] = knn_embeddings.out_of_fold(
                embeddings[name], weak[name], strong[name], folds[name]
            )
            scores[name]["kNN MiniLM"] = knn_scores
            k = int(statistics.median(knn_k[name]))
            search = knn_embeddings.search_seconds(embeddings[name], strong[name] - weak[name], embed_timing[name], k)
            embed = worker["tables"][name]["embed_seconds"]
            knn_latency[name] = statistics.median(e + s for e, s in zip(embed, search))
            knn_parts[name] = (statistics.median(embed), statistics.median(search))
        knn_note = (f"{worker['model']}, torch {worker['torch']}, max {worker['max_seq_length']} word pieces; "
                    f"embedding + kNN took {time.perf_counter() - started:.0f} s")

    # Latency of the cheap routers on the same sample of each table.
    fold0_weights = fit_weights.fit_ridge(
        [(f[folds[n] != 0], fit_weights.scaled_gap(w, s)[folds[n] != 0]) for n, (f, w, s, _) in data.items()],
        RIDGE_STRENGTH,
    )
    cheap: dict[str, Callable[[str], object]] = {
        "random": random_peer.score,
        "length": length.score,
        "litellm score": litellm_complexity.score,
        "litellm tier": litellm_complexity.tier_rank,
        "ours shipped": lambda p: assess(p).score,
        "ours CV": linear_scorer(fold0_weights),
    }
    latency = {name: {router: median_call_seconds(fn, [prompts[name][i] for i in timing[name]])
                      for router, fn in cheap.items()} for name in data}
    for name in knn_latency:
        latency[name]["kNN MiniLM"] = knn_latency[name]

    order = ["random", "length", "litellm score", "litellm tier", "kNN MiniLM", "ours shipped", "ours CV"]
    summary: dict[str, dict[str, float]] = {}
    print(f"Routers against peers on ../shared/data/routing/dev (folds: fit_weights.fold_of, salt {SALT!r}; "
          f"{args.permutations:,} permutations per table, seed {NULL_SEED})")
    if knn_note:
        print(f"kNN peer: {knn_note}")
    for name in data:
        w, s = weak[name], strong[name]
        gaps = s - w
        null = random_null(gaps, args.permutations, NULL_SEED)
        base = evaluate_pair(list(scores[name]["random"]), list(w), list(s), permutations=0)
        band = np.quantile(null["apgr"], [0.025, 0.975])
        print()
        print(f"{name}  n={len(gaps)}  weak {base.weak_mean:.3f}  strong {base.strong_mean:.3f}  "
              f"oracle APGR {base.oracle_apgr:.3f}  random APGR 95% band {band[0]:.3f}-{band[1]:.3f}  "
              f"random CPT50 median {np.median(null['cpt50']):.3f}  CPT80 median {np.median(null['cpt80']):.3f}")
        print(f"  {'router':<14} {'APGR':>6} {'p':>7}   {'CPT50':>6} {'p':>7}   {'CPT80':>6} {'p':>7}   {'µs/msg':>9}")
        summary[name] = {}
        for router in order:
            if router not in scores[name]:
                continue
            report = evaluate_pair(list(scores[name][router]), list(w), list(s), permutations=0)
            summary[name][router] = report.apgr
            print(f"  {router:<14} {report.apgr:6.3f} {p_value(null['apgr'], report.apgr, True):7.4f}   "
                  f"{report.cpt50:6.3f} {p_value(null['cpt50'], report.cpt50, False):7.4f}   "
                  f"{report.cpt80:6.3f} {p_value(null['cpt80'], report.cpt80, False):7.4f}   "
                  f"{latency[name][router] * 1e6:9.1f}")
        tiers = scores[name]["litellm tier"]
        cells = []
        for index, tier in enumerate(litellm_complexity.TIERS):
            chosen = tiers == index
            mean_gap = f"{gaps[chosen].mean():+.2f}" if chosen.any() else "  -  "
            cells.append(f"{tier} {chosen.mean():5.1%} (gap {mean_gap})")
        print(f"  litellm tiers: {'  '.join(cells)}   [table mean gap {gaps.mean():+.2f}]")
        if name in knn_k:
            embed, search = knn_parts[name]
            print(f"  kNN k chosen per fold (on training folds only): {knn_k[name]}; latency = embed "
                  f"{embed * 1e3:.1f} ms + search over {len(gaps):,} prompts {search * 1e3:.2f} ms")

    print()
    print("APGR summary (random = 0.500)")
    print(f"  {'router':<14}" + "".join(f"{name.replace('_gpt4', ''):>20}" for name in data))
    for router in order:
        if all(router in summary[name] for name in data):
            print(f"  {router:<14}" + "".join(f"{summary[name][router]:>20.3f}" for name in data))
    print(f"\ntotal {time.perf_counter() - wall:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
