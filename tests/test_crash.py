"""A `bytechat ask` killed with SIGKILL mid-stream loses nothing but the last instant.

A real process streams a long answer from a slow loopback server (a word every 20 ms) and is
killed after about two seconds. Then the history is opened as the next process would open it:
the message is there, and the answer as far as it had arrived up to the coalescing interval (0.5 s)
before the kill, marked cut and priced as an estimate. The test watches the process's standard
output (it prints each piece as it arrives) to know what had arrived when; it allows 0.5 s on top of
the interval for a loaded machine, so it checks the guarantee, not the machine's speed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from loopback import LoopbackServer, Pause, Reset, Stall, sse_body
from loopback import Reply as Served
from test_ask_command import REPO, SSE, chunk, usage

from bytechat_tui.conversation import ExchangeState
from bytechat_tui.storage import History, history_path
from bytechat_tui.storage.abandoned import STOPPED
from bytechat_tui.storage.recorder import PROGRESS_INTERVAL_S

WORDS = [f"w{n:04d} " for n in range(1000)]
PAUSE_S = 0.02
KILL_AFTER_S = 2.0
SLACK_S = 0.5


def slow_room(server: LoopbackServer, words: list[str] = WORDS) -> None:
    """config.toml: the room "main" of one bot, "slow", whose answer is `words`, one per `PAUSE_S`."""
    config = Path(os.environ["BYTECHAT_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(
        'default_room = "main"\n[rooms.main]\nbots = ["slow"]\n'
        f'[bots.slow]\nprovider = "openai-compatible"\nmodel = "slow-model"\nbase_url = "{server.url}/v1"\n'
        "tier = 2\nprice_in = 1.0\nprice_out = 2.0\n",
        encoding="utf-8",
    )
    body: list[bytes | Pause | Reset | Stall] = []
    for word in words:
        body += [sse_body([chunk(word)], done=False), Pause(PAUSE_S)]
    body.append(sse_body([chunk(finish="stop"), usage(10, len(words))]))
    server.queue(Served(200, SSE, body))


class Watched:
    """What a process printed, and when the test read it."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.pieces: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        assert process.stdout is not None
        self._fd = process.stdout.fileno()
        self._thread = threading.Thread(target=self._read)
        self._thread.start()

    def _read(self) -> None:
        while piece := os.read(self._fd, 65536):
            with self._lock:
                self.pieces.append((time.monotonic(), piece))

    def text(self, until: float = float("inf")) -> str:
        with self._lock:
            return b"".join(piece for at, piece in self.pieces if at <= until).decode()

    def first_seen(self) -> float | None:
        with self._lock:
            return self.pieces[0][0] if self.pieces else None

    def join(self) -> None:
        self._thread.join(30)


def test_a_killed_ask_keeps_the_message_and_the_answer_up_to_half_a_second_before_the_kill() -> None:
    with LoopbackServer() as server:
        slow_room(server)
        process = subprocess.Popen(
            [sys.executable, "-m", "bytechat_tui", "ask", "tell me a very long story"],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        watched = Watched(process)
        try:
            deadline = time.monotonic() + 30
            while (first := watched.first_seen()) is None or time.monotonic() < first + KILL_AFTER_S:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the answer never started streaming"
                time.sleep(0.01)
            killed_at = time.monotonic()
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        finally:
            process.kill()
        watched.join()
    assert process.returncode == -signal.SIGKILL

    with History.open() as history:  # as the next process opens it
        (summary,) = history.conversations()
        _room, (exchange,) = history.load_conversation(summary.id)
    printed = watched.text()
    kept_by = watched.text(until=killed_at - PROGRESS_INTERVAL_S - SLACK_S)
    assert exchange.text == "tell me a very long story"
    assert exchange.state is ExchangeState.CUT
    assert len(kept_by) > 0 and exchange.answer.startswith(kept_by), (len(kept_by), len(exchange.answer))
    assert printed.startswith(exchange.answer) and "".join(WORDS).startswith(exchange.answer)
    assert len(exchange.answer) < len("".join(WORDS))  # it was really cut, not finished
    reply = exchange.reply
    assert reply is not None and reply.estimated and reply.cut and reply.cost_usd > 0
    assert reply.error is not None and STOPPED in str(reply.error)
    assert list(history_path().with_name("history.sqlite3.writers").iterdir()) == []
