"""Learning from `r`, simulated: does the escalation memory route the rest of a stream better?

    .venv/bin/python tests/bench/bench_memory.py [--shared ../shared] [--seeds 5]

Inside each dev table, prompts arrive in a random order. The router sends a prompt to the cheap
model when its (memory-adjusted) score is below the dev median, i.e. half the traffic. A simulated
user sees the cheap answer and presses `r` when it scores low (wrong on GSM8K/MMLU, 5 or less out
of 10 on Arena); a cheap answer that scores well is let stand. Both are remembered, as the app does.
After 0, 100 and 300 escalations the memory is frozen and the rest of the stream (prompts not seen
yet) is ranked by the classifier's score alone and by the memory-adjusted score: APGR of each.
Several orders (seeds) are averaged; a table too small to reach a checkpoint says so.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bytechat_tui.routing.classifier import assess  # noqa: E402
from bytechat_tui.routing.dial import dev_quantile  # noqa: E402
from bytechat_tui.routing.evaluation import evaluate_pair  # noqa: E402
from bytechat_tui.routing.memory import EscalationMemory  # noqa: E402

TABLES = ("arena_gpt35_gpt4", "arena_mixtral_gpt4", "gsm8k_mixtral_gpt4", "mmlu_mixtral_gpt4")
CHECKPOINTS = (0, 100, 300)
MIN_REST = 60
"""Fewer prompts left than this make an APGR too noisy to report."""


def logit(p: float) -> float:
    p = min(1 - 1e-6, max(1e-6, p))
    return math.log(p / (1 - p))


def cheap_answer_is_bad(weak: float, scale_top: float) -> bool:
    """What makes a person press `r`: a wrong answer (0/1 tables) or a poor one (<= 5 of 10)."""
    return weak <= 0 if scale_top <= 1 else weak <= 5


def simulate(rows: list[dict[str, str]], seed: int) -> dict[int, tuple[float, float, int] | None]:
    """Checkpoint -> (APGR of the rest without memory, with memory, rest size), or None if not reached."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    prompts = [rows[i]["prompt"] for i in order]
    weak = [float(rows[i]["weak"]) for i in order]
    strong = [float(rows[i]["strong"]) for i in order]
    top = max(max(weak), max(strong))
    base = [logit(assess(prompt).score) for prompt in prompts]
    threshold = logit(dev_quantile(0.5))
    memory = EscalationMemory()
    results: dict[int, tuple[float, float, int] | None] = {}
    escalations, position = 0, 0
    for checkpoint in CHECKPOINTS:
        while escalations < checkpoint and position < len(prompts):
            adjusted = base[position] + memory.recall(prompts[position]).shift
            if adjusted < threshold:
                bad = cheap_answer_is_bad(weak[position], top)
                memory.remember(prompts[position], escalated=bad)
                escalations += bad
            position += 1
        rest = range(position, len(prompts))
        if escalations < checkpoint or len(rest) < MIN_REST:
            results[checkpoint] = None
            continue
        rest_weak, rest_strong = [weak[i] for i in rest], [strong[i] for i in rest]
        plain = evaluate_pair([base[i] for i in rest], rest_weak, rest_strong, permutations=0).apgr
        learnt = [base[i] + memory.recall(prompts[i]).shift for i in rest]
        results[checkpoint] = (plain, evaluate_pair(learnt, rest_weak, rest_strong, permutations=0).apgr, len(rest))
    return results


def recall_latency(rows: list[dict[str, str]]) -> float:
    """Median µs of one lookup in a full memory (CAPACITY labels from this table)."""
    memory = EscalationMemory()
    for index, row in enumerate(rows[: memory.capacity]):
        memory.remember(row["prompt"], escalated=index % 3 == 0)
    times = []
    for row in rows[: 2000]:
        start = time.perf_counter()
        memory.recall(row["prompt"])
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    print(f"APGR on the rest of the stream, mean over {args.seeds} orders (without memory → with memory):")
    for table in TABLES:
        with open(args.shared / "data" / "routing" / "dev" / f"{table}.csv", newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        runs = [simulate(rows, seed) for seed in range(args.seeds)]
        cells = []
        for checkpoint in CHECKPOINTS:
            reached = [run[checkpoint] for run in runs if run[checkpoint] is not None]
            if len(reached) < len(runs):
                cells.append(f"{checkpoint:>3} esc: not reached in {len(runs) - len(reached)} of {len(runs)} orders")
                continue
            plain = statistics.mean(r[0] for r in reached)
            learnt = statistics.mean(r[1] for r in reached)
            rest = statistics.mean(r[2] for r in reached)
            cells.append(f"{checkpoint:>3} esc: {plain:.3f} → {learnt:.3f} (rest n≈{rest:.0f})")
        print(f"  {table:<20} " + " | ".join(cells))
        print(f"  {'':<20} recall latency, full memory: median {recall_latency(rows):.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
