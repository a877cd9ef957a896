"""A conversation made in one run of `bytechat --demo` resumed in the next, and escalated there.

Two real processes in a real terminal (tmux, 120x40), sharing the test's config and data dirs: the
first asks a question and quits; the second opens the conversation list (ctrl+o), opens that
conversation, sees the question, its answer and its routing line as they were, and presses `r`:
the strongest bot re-asks it, and the escalation appears under the answer with its own line. The
history then holds one conversation of the two answers. Every check reads the screen. Skipped
without tmux (a failure under CI, where `BYTECHAT_REQUIRE_SYSTEM_TESTS=1`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import require_system
from tmux import Terminal, bytechat_env, terminal, tmux_available

from bytechat_tui.conversation import ExchangeState
from bytechat_tui.storage import History

_SCRIPT = Path(sys.executable).with_name("bytechat")
BYTECHAT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "bytechat_tui"]
STARTUP_S = 30.0
ANSWER_S = 30.0
QUESTION = "What is the capital of France?"
CHEAP_LINE = re.compile(r"gemini-2\.5-flash-lite \(DEMO\) · tier 1 · \"[^\"]+\" · [\d,]+→[\d,]+ tok · \$[\d.]+ · saved")
STRONG_LINE = re.compile(r"gpt-6-astra \(DEMO\) · tier 5 · \"escalated with r: the strongest bot\" · [\d,]+→[\d,]+ tok")


@pytest.fixture(autouse=True)
def needs_tmux() -> None:
    if not tmux_available():
        require_system("tmux is not installed")


@contextmanager
def demo() -> Iterator[Terminal]:
    """`bytechat --demo` in a 120x40 terminal with the test's dirs, once its first screen is drawn."""
    with terminal([*BYTECHAT, "--demo"], env=bytechat_env(), width=120, height=40) as shown:
        shown.wait_for("Message the room", seconds=STARTUP_S)
        yield shown


def flat(screen: str) -> str:
    """The screen as one line: rows without the log's borders and scrollbar, so wrapped lines read whole."""
    rows = (re.sub(r"^[\s▌│]*|[\s▁▂▃▄▅▆▇█│]*$", "", row) for row in screen.split("\n"))
    return " ".join(row for row in rows if row)


def test_a_conversation_from_an_earlier_run_resumes_and_escalates() -> None:
    with demo() as first:
        first.type(QUESTION)
        first.press("Enter")
        asked = first.wait_until(lambda screen: CHEAP_LINE.search(flat(screen)), "shows the routing line", ANSWER_S)
        line = CHEAP_LINE.search(flat(asked))
        assert line is not None
        first.press("C-q")
        assert first.wait_for_exit() == 0

    with demo() as second:
        assert QUESTION not in second.screen()  # a new run starts a new chat
        second.press("C-o")
        listed = second.wait_until(lambda screen: "Conversations" in screen and QUESTION in screen, "lists it")
        assert "enter open" in listed
        second.press("Enter")
        resumed = second.wait_until(lambda screen: CHEAP_LINE.search(flat(screen)), "shows the resumed chat")
        assert QUESTION in resumed and "Conversations" not in resumed
        assert line.group(0) in flat(resumed)  # the same routing line as when it was answered
        # From the input to the latest answer, then re-ask the strongest bot.
        second.escape()
        second.press("r")
        escalated = second.wait_until(
            lambda screen: STRONG_LINE.search(flat(screen)), "shows the escalation's routing line", ANSWER_S
        )
        assert "↑ escalated to gpt-6-astra (DEMO)" in escalated
        assert "room demo" in escalated
        second.press("C-q")
        assert second.wait_for_exit() == 0

    with History.open() as history:
        (summary,) = history.conversations()
        _room, exchanges = history.load_conversation(summary.id)
    assert summary.title == QUESTION and summary.room == "demo"
    assert [(e.text, e.escalation_of, e.bot.name, e.state) for e in exchanges] == [
        (QUESTION, None, "demo-lite", ExchangeState.DONE),
        (QUESTION, exchanges[0].id, "demo-frontier", ExchangeState.DONE),
    ]
