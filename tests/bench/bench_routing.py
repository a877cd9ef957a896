"""How long `assess` + `route` take per message, beside tiktoken encoding the same text.

    python tests/bench/bench_routing.py [--shared ../shared]

Prints medians over the Arena dev prompts and for one 20,000-token message. A figure, not a test.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bytechat_tui.room import default_room  # noqa: E402
from bytechat_tui.pricing.catalog import load_catalog  # noqa: E402
from bytechat_tui.routing.classifier import assess  # noqa: E402
from bytechat_tui.routing.router import route  # noqa: E402
from bytechat_tui.tokens import bundled_cl100k  # noqa: E402


def per_call(function, argument, repeats: int) -> float:
    """Median seconds of one call, over `repeats` timed batches."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(argument)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    with open(args.shared / "data/routing/dev/arena_gpt35_gpt4.csv", newline="", encoding="utf-8") as handle:
        prompts = [row["prompt"] for row in csv.DictReader(handle)]
    room = default_room(load_catalog())
    encoding = bundled_cl100k()

    def assess_and_route(text: str) -> object:
        return route(assess(text), room)

    for text in prompts[:20]:  # warm caches and regexes
        assess_and_route(text)
        encoding.encode_ordinary(text)

    ours = [per_call(assess_and_route, text, 5) for text in prompts]
    theirs = [per_call(encoding.encode_ordinary, text, 5) for text in prompts]
    print(f"Arena prompts: n={len(prompts)}, median {statistics.median(len(p) for p in prompts):.0f} chars")
    print(f"  assess+route       median {statistics.median(ours) * 1e6:8.1f} µs   p90 {sorted(ours)[int(0.9 * len(ours))] * 1e6:8.1f} µs")
    print(f"  tiktoken cl100k    median {statistics.median(theirs) * 1e6:8.1f} µs   p90 {sorted(theirs)[int(0.9 * len(theirs))] * 1e6:8.1f} µs")
    print(f"  ratio (ours / tiktoken encode alone): {statistics.median(ours) / statistics.median(theirs):.2f}")

    # A 20,000-token message: real prompts pasted end to end until the tokenizer says 20k.
    big = ""
    while len(encoding.encode_ordinary(big)) < 20_000:
        big += "\n\n".join(prompts) + "\n"
    big_tokens = encoding.encode_ordinary(big)[:20_000]
    big = encoding.decode(big_tokens)
    ours_big = per_call(assess_and_route, big, 50)
    theirs_big = per_call(encoding.encode_ordinary, big, 50)
    print(f"20,000-token message ({len(big):,} chars):")
    print(f"  assess+route       median {ours_big * 1e3:8.3f} ms")
    print(f"  tiktoken cl100k    median {theirs_big * 1e3:8.3f} ms")
    print(f"  ratio (ours / tiktoken encode alone): {ours_big / theirs_big:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
