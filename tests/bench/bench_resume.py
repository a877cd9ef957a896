"""Resuming a long conversation from the history in the app, and streaming with the history on.

    python tests/bench/bench_resume.py [--messages 2000] [--runs 5]

(a) A conversation of --messages messages (half the person's, half demo answers: Markdown, code,
    tables; every 20th message escalated) is written to a history file. `ByteChatApp(demo=True)`,
    headless with Pilot at 120x40, opens it the way the conversation list does
    (`app.open_conversation`): from the call until the chat shows it, every mounted answer
    rendered whole. Median and worst of --runs, each in a fresh app. Target: <= 1.5 s.
    Also how many widgets that mounts, and the longest the event loop was kept from running
    meanwhile (the loading itself happens in a thread).
(b) One demo answer of ~480 tokens streamed at 2,000 tokens/s in the app, with the history on
    and with it off (never opened; all else the same), alternating, --runs each: the time from Enter to
    the whole answer shown, and the event loop's longest stall during the stream (a task that
    sleeps 2 ms and measures how late it wakes). The recorder's `planned` waits for one small
    transaction (~0.3 ms) before the request goes out; `progressed` returns at once.
Figures, not tests; everything happens in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

SIZE = (120, 40)
PROMPTS = (
    "Write a python function that counts words",
    "What is the capital of France?",
    "Prove that the square root of 2 is irrational",
    "Compare three sorting algorithms in a table",
)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:7.1f} ms"


class LoopWatch:
    """The longest the event loop was late to wake a task that sleeps `tick` seconds at a time."""

    def __init__(self, tick: float = 0.002) -> None:
        self.tick = tick
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.tick)
            self.worst = max(self.worst, time.perf_counter() - started - self.tick)

    def __enter__(self) -> LoopWatch:
        self._task = asyncio.get_running_loop().create_task(self._watch())
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def write_conversation(path: Path, messages: int) -> int:
    """A conversation of `messages` messages in the demo room, written as the recorder writes it."""
    from bytechat_tui.conversation import Conversation
    from bytechat_tui.demo import DemoServer, demo_room
    from bytechat_tui.storage import History
    from bytechat_tui.storage.records import write_end, write_planned

    History.open(path).close()
    connection = sqlite3.connect(path, isolation_level=None)
    conversation_id = None
    exchange_id = 0
    async with DemoServer(tokens_per_second=math.inf) as server:
        assert server.url is not None
        room = demo_room(server.url)
        count = 0
        while count < messages:
            chat = Conversation(room, lambda bot: None)
            asked = chat.plan(f"{PROMPTS[count // 2 % len(PROMPTS)]} (message {count})")
            await chat.run(asked)
            exchanges = [asked]
            count += 2
            if count % 40 == 0 and count < messages:
                escalated = chat.plan_escalation(asked)
                await chat.run(escalated)
                exchanges.append(escalated)
                count += 1
            first_id = exchange_id + 1
            for exchange in exchanges:
                exchange_id += 1
                exchange.id = exchange_id
                if exchange.escalation_of is not None:
                    exchange.escalation_of = first_id
                assert exchange.reply is not None
                conversation_id, answer = write_planned(connection, conversation_id, "demo", exchange, "bench", count)
                write_end(connection, answer, exchange.state.value, exchange.reply, count + 0.5)
    connection.close()
    assert conversation_id is not None
    return conversation_id


async def open_in_app(conversation_id: int) -> tuple[float, int, float]:
    """Seconds to show the conversation, widgets mounted, worst event-loop stall meanwhile."""
    from test_chat_screen import wait_until

    from bytechat_tui.app import ByteChatApp
    from bytechat_tui.demo import DemoServer
    from bytechat_tui.ui.screens.chat import ChatScreen

    app = ByteChatApp(demo=True, demo_server=DemoServer(tokens_per_second=math.inf))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen), "the chat opened")
        await pilot.pause()
        chat = app.chat
        assert chat is not None
        with LoopWatch() as watch:
            started = time.perf_counter()
            await app.open_conversation(conversation_id)
            await wait_until(
                pilot,
                lambda: chat.conversation.exchanges and all(answer.up_to_date for answer in chat.chat_log.answers),
                "the conversation is shown",
            )
            await pilot.pause()
            elapsed = time.perf_counter() - started
        widgets = len(list(chat.chat_log.query("*")))
    return elapsed, widgets, watch.worst


async def stream_in_app(history_on: bool) -> tuple[float, float]:
    """Seconds from Enter to the whole answer shown, and the worst event-loop stall meanwhile."""
    from test_chat_screen import answered, send, wait_until

    from bytechat_tui.app import ByteChatApp
    from bytechat_tui.demo import DemoServer
    from bytechat_tui.ui.screens.chat import ChatScreen

    app = ByteChatApp(demo=True, demo_server=DemoServer(tokens_per_second=2000))
    if not history_on:
        app.history_keeper.open = lambda: None  # type: ignore[method-assign]  # all else the same
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen), "the chat opened")
        assert (app.history is not None) == history_on
        await pilot.pause()
        with LoopWatch() as watch:
            started = time.perf_counter()
            await send(pilot, "@demo-frontier write a Rust program that counts words")
            await answered(pilot, app, 1)
            elapsed = time.perf_counter() - started
    return elapsed, watch.worst


async def main_async(messages: int, runs: int, scratch: Path) -> None:
    os.environ["BYTECHAT_CONFIG_DIR"] = str(scratch / "config")
    os.environ["BYTECHAT_DATA_DIR"] = str(scratch / "data")
    os.environ["BYTECHAT_OFFLINE"] = "1"
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    from bytechat_tui.storage import history_path

    started = time.perf_counter()
    conversation_id = await write_conversation(history_path(), messages)
    size = history_path().stat().st_size / 1e6
    print(f"(a) resume a conversation of {messages:,} messages ({size:.1f} MB history, written in "
          f"{time.perf_counter() - started:.0f} s), n={runs}, each in a fresh app")  # fmt: skip
    samples = [await open_in_app(conversation_id) for _ in range(runs)]
    times = [elapsed for elapsed, _, _ in samples]
    verdict = "meets" if max(times) <= 1.5 else "MISSES"
    print(f"    open → shown      median {ms(statistics.median(times))}  worst {ms(max(times))}  "
          f"(target <= 1500 ms: {verdict})")  # fmt: skip
    print(f"    widgets mounted   {samples[0][1]:,} in the chat log")
    print(f"    event loop        longest stall {ms(max(stall for _, _, stall in samples))}")

    results: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for run in range(runs):
        for history_on in (True, False) if run % 2 == 0 else (False, True):
            results[history_on].append(await stream_in_app(history_on))
    print(f"(b) a ~480-token demo answer at 2,000 tokens/s, n={runs} each, alternating")
    for history_on, label in ((False, "history off"), (True, "history on ")):
        shown = [elapsed for elapsed, _ in results[history_on]]
        stalls = [stall for _, stall in results[history_on]]
        print(f"    {label}  Enter → shown median {ms(statistics.median(shown))}  "
              f"event loop longest stall median {ms(statistics.median(stalls))}, worst {ms(max(stalls))}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(main_async(args.messages, args.runs, Path(directory)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
