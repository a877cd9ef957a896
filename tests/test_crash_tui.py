"""The chat killed with SIGKILL mid-answer loses nothing but the last instant.

The real `bytechat` TUI runs in tmux (tests/tmux.py) on a room of one OpenAI-compatible bot
answered by a slow loopback server: a numbered word every 20 ms. The test reads the screen as the
answer streams, noting when each word was first shown, then kills the app's process with SIGKILL
about two seconds in. The history is then opened as the next process opens it: the message is
there, and the answer holds at least every word that was on screen 0.5 s (the recorder's interval)
plus 0.5 s of slack before the kill, marked cut. Starting `bytechat` again and opening the
conversation shows the same: the message, the answer so far, and the line saying it was cut.
Skipped without tmux (a failure under CI, where `BYTECHAT_REQUIRE_SYSTEM_TESTS=1`).
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from conftest import require_system
from loopback import LoopbackServer
from test_crash import slow_room  # one bot answering a numbered word every PAUSE_S (20 ms)
from tmux import Terminal, terminal, tmux_available

from bytechat_tui.conversation import ExchangeState
from bytechat_tui.storage import History
from bytechat_tui.storage.recorder import PROGRESS_INTERVAL_S

_SCRIPT = Path(sys.executable).with_name("bytechat")
BYTECHAT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "bytechat_tui"]
WORDS = [f"w{n:04d} " for n in range(1500)]
KILL_AFTER_S = 2.0
SLACK_S = 0.5
STARTUP_S = 30.0
PROMPT = "tell me a very long story"
_WORD = re.compile(r"\bw(\d{4})\b")


@pytest.fixture(autouse=True)
def needs_tmux() -> None:
    if not tmux_available():
        require_system("tmux is not installed")


def bytechat_terminal() -> AbstractContextManager[Terminal]:
    env = {
        "BYTECHAT_CONFIG_DIR": os.environ["BYTECHAT_CONFIG_DIR"],
        "BYTECHAT_DATA_DIR": os.environ["BYTECHAT_DATA_DIR"],
        "BYTECHAT_OFFLINE": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    return terminal(BYTECHAT, env=env, width=120, height=40)


def last_word(screen: str) -> int:
    """The highest numbered word on the screen (the log follows the end); -1 when none is."""
    return max((int(number) for number in _WORD.findall(screen)), default=-1)


def flat(screen: str) -> str:
    """The screen's words in reading order, without the answer's left border (a wrapped line's halves join)."""
    return " ".join(screen.replace("▌", " ").split())


def test_a_killed_chat_keeps_the_message_and_the_answer_up_to_half_a_second_before_the_kill() -> None:
    with LoopbackServer() as server:
        slow_room(server, WORDS)
        with bytechat_terminal() as shown:
            shown.wait_for("Message the room", seconds=STARTUP_S)
            shown.type(PROMPT)
            shown.press("Enter")
            seen: list[tuple[float, int]] = []
            """(when the test read the screen, the highest word on it)"""
            deadline = time.monotonic() + STARTUP_S
            while not seen or time.monotonic() < seen[0][0] + KILL_AFTER_S:
                assert time.monotonic() < deadline, f"the answer never streamed:\n{shown.screen()}"
                word = last_word(shown.screen())
                if word >= 0:
                    seen.append((time.monotonic(), word))
                time.sleep(0.03)
            pid = shown.app_pid()
            assert pid is not None
            killed_at = time.monotonic()
            os.kill(pid, signal.SIGKILL)
            assert shown.wait_for_exit() == 128 + signal.SIGKILL

    # As the next process opens it: the question, and the answer as far as the disk had it.
    with History.open() as history:
        (summary,) = history.conversations()
        _room, (exchange,) = history.load_conversation(summary.id)
    shown_by = max((word for at, word in seen if at <= killed_at - PROGRESS_INTERVAL_S - SLACK_S), default=-1)
    assert shown_by >= 10, seen  # the kill came well into the answer
    assert exchange.text == PROMPT and summary.title == PROMPT
    assert exchange.state is ExchangeState.CUT
    assert exchange.answer.startswith("".join(WORDS[: shown_by + 1])), (shown_by, exchange.answer[-40:])
    assert "".join(WORDS).startswith(exchange.answer) and len(exchange.answer) < len("".join(WORDS))
    reply = exchange.reply
    assert reply is not None and reply.cut and reply.estimated

    # Started again, the conversation list opens it as it was left.
    with bytechat_terminal() as shown:
        shown.wait_for("Message the room", seconds=STARTUP_S)
        shown.press("C-o")
        shown.wait_for(PROMPT)
        shown.press("Enter")
        screen = shown.wait_until(lambda text: "cut: slow: bytechat stopped before" in flat(text), "shows it cut")
        assert PROMPT in screen
        assert last_word(screen) == len(exchange.answer.split()) - 1  # the end of what was kept
        shown.press("C-q")
        assert shown.wait_for_exit() == 0
