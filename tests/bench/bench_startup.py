"""Wall time of `bytechat --help` and `bytechat route`, beside `python -c pass`, in one run.

    python tests/bench/bench_startup.py [--runs 10]

Each command runs in a fresh process with a throw-away config dir; medians are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def wall(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, BYTECHAT_CONFIG_DIR=scratch, BYTECHAT_DATA_DIR=scratch)
        python = [sys.executable]
        commands = {
            "python -c pass": python + ["-c", "pass"],
            "bytechat --help": python + ["-m", "bytechat_tui", "--help"],
            'bytechat route "…"': python + ["-m", "bytechat_tui", "route", "Prove that there are infinitely many primes"],
            "bytechat route --json": python + ["-m", "bytechat_tui", "route", "--json", "Write a quicksort in Rust"],
        }
        wall(commands["python -c pass"], env, 2)  # warm the file cache
        results = {name: statistics.median(wall(argv, env, args.runs)) for name, argv in commands.items()}
    baseline = results["python -c pass"]
    print(f"median wall time of {args.runs} runs each:")
    for name, seconds in results.items():
        print(f"  {name:<24} {seconds * 1000:7.1f} ms   ({seconds / baseline:4.1f}x python -c pass)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
