"""What the history costs: search, the wait before a message is sent, streaming with a recorder,
and opening a long conversation.

    python tests/bench/bench_storage.py [--messages 10000] [--runs 200]

(a) FTS5 search over `--messages` messages of made-up words (tests/test_storage_search.py's
    `fill`), median and p90 per query, through `History.search` (parsing, ranking, snippets).
    Target: <= 50 ms per query.
(b) `planned`: the only recorder call the event loop waits for (hand-off to the writer thread, one
    transaction of four INSERTs, WAL commit, acknowledgement), for routes of the 5-bot default room;
    beside one bare INSERT + commit on the same file.
(c) `progressed`: the cost of a call on the event loop, and how many writes a flood of calls
    becomes; then one answer of 2,000 deltas streamed over loopback through `Conversation.run`,
    with and without a recorder (alternating runs), to show streaming is not slowed.
(d) Opening a conversation of 2,000 messages (1,000 exchanges, ~1 KB answers):
    `History.open` (quick_check, migrations, recovery) and `load_conversation` (rows to `Exchange`).
Figures, not tests. Everything is written to a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from loopback import LoopbackServer  # noqa: E402
from test_conversation import answer, no_key, room_of  # noqa: E402
from test_storage_search import fill  # noqa: E402

from bytechat_tui.conversation import Conversation  # noqa: E402
from bytechat_tui.pricing.catalog import load_catalog  # noqa: E402
from bytechat_tui.providers.retry import RetryPolicy  # noqa: E402
from bytechat_tui.room import default_room  # noqa: E402
from bytechat_tui.storage import History  # noqa: E402
from bytechat_tui.storage.recorder import HistoryRecorder  # noqa: E402
from bytechat_tui.storage.records import write_end, write_planned  # noqa: E402

QUERIES = ("quick brown", '"quick brown"', "pyth", "zebra", "ka", "kalo", "mine ruti", "savannah wildlife")


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:7.2f} ms"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_search(directory: Path, messages: int, runs: int) -> None:
    path = directory / "search.sqlite3"
    History.open(path).close()
    started = time.perf_counter()
    fill(path, messages=messages)
    print(f"(a) search over {messages:,} messages (filled in {time.perf_counter() - started:.1f} s), n={runs} each")
    with History.open(path) as history:
        for query in QUERIES:
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                hits = history.search(query)
                samples.append(time.perf_counter() - started)
            print(
                f"    {query!r:22} median {ms(statistics.median(samples))}  p90 {ms(percentile(samples, 0.9))}"
                f"  ({len(hits)} hits shown)"
            )


def bench_planned(directory: Path, runs: int) -> None:
    path = directory / "planned.sqlite3"
    History.open(path).close()
    room = default_room(load_catalog())
    chat = Conversation(room, no_key)
    exchanges = [chat.plan(f"question number {n}: how do I reverse a list in Python?") for n in range(runs)]
    samples = []
    with HistoryRecorder(path, room.name) as recorder:
        for exchange in exchanges:
            started = time.perf_counter()
            recorder.planned(exchange)
            samples.append(time.perf_counter() - started)
    bare = sqlite3.connect(path, isolation_level=None)
    bare.execute("PRAGMA synchronous = NORMAL")
    bare.execute("CREATE TABLE bare (text TEXT)")
    inserts = []
    for n in range(runs):
        started = time.perf_counter()
        bare.execute("BEGIN IMMEDIATE")
        bare.execute("INSERT INTO bare VALUES (?)", (f"question number {n}",))
        bare.execute("COMMIT")
        inserts.append(time.perf_counter() - started)
    bare.close()
    print(f"(b) planned (waited for before a message is sent), {len(room.bots)}-bot room, n={runs}")
    print(f"    recorder.planned   median {ms(statistics.median(samples))}  p90 {ms(percentile(samples, 0.9))}")
    print(f"    bare INSERT+COMMIT median {ms(statistics.median(inserts))}  p90 {ms(percentile(inserts, 0.9))}")


def bench_progress(directory: Path) -> None:
    path = directory / "progress.sqlite3"
    History.open(path).close()
    log = sqlite3.connect(path, isolation_level=None)
    log.executescript(
        """CREATE TABLE text_writes (n INTEGER);
           CREATE TRIGGER count_text_writes AFTER UPDATE OF text ON messages
           BEGIN INSERT INTO text_writes VALUES (1); END;"""
    )
    calls = 200_000
    with LoopbackServer() as server:
        chat = Conversation(room_of(server, server), no_key)
        exchange = chat.plan("flood")
        exchange.answer = "An answer of a thousand characters. " * 28
        with HistoryRecorder(path, "bench") as recorder:
            recorder.planned(exchange)
            started = time.perf_counter()
            for _ in range(calls):
                recorder.progressed(exchange)
            elapsed = time.perf_counter() - started
        writes = log.execute("SELECT count(*) FROM text_writes").fetchone()[0]
    print(f"(c) progressed: {calls:,} calls in {elapsed:.2f} s = {elapsed / calls * 1e6:.2f} µs per call")
    print(f"    became {writes} writes (one at once, then at most one per 0.5 s, one on close)")

    deltas = [f"word{n} " for n in range(2000)]
    times: dict[str, list[float]] = {"without a recorder": [], "with a recorder": []}
    with LoopbackServer() as server:
        for run in range(20):
            for label in times if run % 2 == 0 else reversed(list(times)):
                server.queue(answer(*deltas))
                recorder = HistoryRecorder(path, "bench") if label == "with a recorder" else None
                room = room_of(server, server)
                chat = Conversation(room, no_key, policy=RetryPolicy(max_retries=0), recorder=recorder)
                exchange = chat.plan("@mini stream")
                started = time.perf_counter()
                asyncio.run(chat.run(exchange))
                times[label].append(time.perf_counter() - started)
                if recorder is not None:
                    recorder.close()
    print("    one answer of 2,000 deltas over loopback through Conversation.run, n=20 each:")
    for label, samples in times.items():
        print(f"    {label:19} median {ms(statistics.median(samples))}")
    extra = statistics.median(times["with a recorder"]) - statistics.median(times["without a recorder"])
    print(f"    difference {extra * 1e3:+.2f} ms, {extra / len(deltas) * 1e6:+.2f} µs per delta")


def bench_open(directory: Path, runs: int) -> None:
    path = directory / "long.sqlite3"
    History.open(path).close()
    paragraph = "Here is a thorough answer with `code`, lists and prose. " * 18  # ~1 KB
    with LoopbackServer() as server:
        server.queue(*(answer(paragraph) for _ in range(1000)))
        chat = Conversation(room_of(server, server), no_key, policy=RetryPolicy(max_retries=0))
        connection = sqlite3.connect(path, isolation_level=None)
        conversation_id = None
        for n in range(1000):
            exchange = chat.plan(f"@mini question {n} about the code above")
            asyncio.run(chat.run(exchange))
            assert exchange.reply is not None
            conversation_id, answer_id = write_planned(connection, conversation_id, "bench", exchange, "bench", n)
            write_end(connection, answer_id, exchange.state.value, exchange.reply, n + 0.5)
        connection.close()
    assert conversation_id is not None
    opens, loads = [], []
    for _ in range(runs):
        started = time.perf_counter()
        history = History.open(path)
        opened = time.perf_counter()
        _room, exchanges = history.load_conversation(conversation_id)
        loads.append(time.perf_counter() - opened)
        opens.append(opened - started)
        history.close()
    size = path.stat().st_size / 1e6
    print(f"(d) a conversation of {2 * len(exchanges):,} messages ({size:.1f} MB file), n={runs}")
    print(f"    History.open       median {ms(statistics.median(opens))}  p90 {ms(percentile(opens, 0.9))}")
    print(f"    load_conversation  median {ms(statistics.median(loads))}  p90 {ms(percentile(loads, 0.9))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        bench_search(Path(directory), args.messages, args.runs)
        bench_planned(Path(directory), args.runs)
        bench_progress(Path(directory))
        bench_open(Path(directory), max(5, args.runs // 20))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
