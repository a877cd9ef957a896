"""`bytechat --demo` as a person uses it: a real process in a real terminal (tmux, 120x40).

Keys arrive as a terminal sends them (fast typing in one burst, Ctrl+J as a line feed, a paste in
bracketed-paste markers) and every assertion reads the screen tmux shows, or what the app put on
tmux's clipboard through OSC 52. The answers come from the demo room's own loopback server at its
normal pace, so streaming is real and slow enough to watch. Skipped without tmux (a failure under
CI, where `BYTECHAT_REQUIRE_SYSTEM_TESTS=1`).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import require_system
from tmux import Cell, Terminal, bytechat_env, terminal, tmux_available

_SCRIPT = Path(sys.executable).with_name("bytechat")
BYTECHAT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "bytechat_tui"]
"""The installed `bytechat` command of this venv (the module when it is not installed)."""
STARTUP = 30.0
"""Seconds the first screen may take on a slow, cold CI machine."""
ANSWER = 30.0
"""Seconds an answer may take to stream (the demo paces ~150 tokens/s; the longest is ~500)."""

ROUTING_LINE = re.compile(
    r"(?P<bot>\S+) \(DEMO\) · tier (?P<tier>\d) · \"(?P<reason>[^\"]+)\" · "
    r"(?P<tokens_in>[\d,]+)→(?P<tokens_out>[\d,]+) tok · \$(?P<cost>[\d.]+) · "
    r"(?:saved \$(?P<saved>[\d.]+) \((?P<share>\d+)%\)|(?P<priciest>the priciest bot))"
)
"""The quiet line under a finished demo answer, as the screen shows its first row."""
LONG_PROMPT = "@demo-frontier write a Rust program that counts words"
"""Forced to the strongest demo bot, whose code answer is the demo's longest (~480 tokens, ~3 s)."""
LONG_ANSWER_START = "Counting words in Rust"
LONG_ANSWER_END = "Check it"
"""The last section of that answer."""


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Terminal]:
    """`bytechat --demo` in a 120x40 terminal with this test's own config and data dirs, once its
    first screen is drawn."""
    if not tmux_available():
        require_system("tmux is not installed")
    with terminal([*BYTECHAT, "--demo"], env=bytechat_env(), width=120, height=40) as shown:
        shown.wait_for("room demo", seconds=STARTUP)
        shown.wait_for("Message the room", seconds=STARTUP)
        yield shown


SCROLLBAR = re.compile(r" *[▁▂▃▄▅▆▇█]+$")
"""The chat log's scrollbar thumb at the end of a row."""


def rows(screen: str) -> list[str]:
    """The screen's rows, without the scrollbar."""
    return [SCROLLBAR.sub("", row) for row in screen.split("\n")]


def user_message_rows(screen: str) -> list[str]:
    """The rows of user messages, without their border: ` ▌ text` (an answer's rows are indented more)."""
    return [row[3:] for row in rows(screen) if re.match(r" ▌ \S", row)]


def flat(screen: str) -> str:
    """The chat as one line of text: rows without borders or scrollbar, joined, so that a phrase the
    screen wrapped (a long routing line) is found whole."""
    return " ".join(text for row in rows(screen) if (text := re.sub(r"^[\s▌]*", "", row)))


def routing_lines(screen: str) -> list[re.Match[str]]:
    return list(ROUTING_LINE.finditer(flat(screen)))


def answer_text(screen: str) -> str:
    """The first answer's text as shown: from its first line to its routing line (or "streaming…")."""
    text = flat(screen)
    start = text.find("Demo answer")
    ends = [found.start() for found in routing_lines(screen)] + [text.find(" streaming…")]
    end = min((at for at in ends if at > start), default=-1)
    return text[start:end] if start >= 0 and end > start else ""


def sent(terminal: Terminal, text: str) -> None:
    """Type `text` in one burst and press Enter."""
    terminal.type(text)
    terminal.press("Enter")


def remembered_prompts() -> list[str]:
    """The prompts the app received and remembered, oldest first (the data dir's state.json)."""
    state = Path(os.environ["BYTECHAT_DATA_DIR"]) / "state.json"
    return json.loads(state.read_text())["prompt_history"]


def test_a_message_typed_fast_with_ctrl_j_arrives_whole_and_its_answer_streams_to_a_routing_line(
    demo: Terminal,
) -> None:
    # Two lines that route to the demo's middle bot, whose answer streams long enough to be seen
    # streaming and still fits on the screen.
    demo.type("explain how TCP congestion control works")
    demo.press("C-j")
    demo.type("and compare it with QUIC")
    demo.press("Enter")

    # Both lines in the one user message, in order, on consecutive rows; the input is empty again.
    screen = demo.wait_until(lambda s: "and compare it with QUIC" in user_message_rows(s), "showed the message sent")
    assert user_message_rows(screen) == ["explain how TCP congestion control works", "and compare it with QUIC"], screen
    # The answer streams: a first part of it while the line under it says so, later all of it, priced.
    streaming = demo.wait_until(lambda s: "Demo answer" in s and "streaming…" in s, "showed a streaming answer")
    # The routing line and the status bar's totals can reach the screen a frame apart.
    done = demo.wait_until(
        lambda s: routing_lines(s) and "streaming…" not in s and "answer streaming" not in s,
        "showed a routing line and the session's totals",
        ANSWER,
    )
    part = answer_text(streaming)
    whole = answer_text(done)
    assert part and len(part) < len(whole), (streaming, done)
    assert "Try next" in whole

    line = routing_lines(done)[0]
    assert line["bot"] == "claude-sonnet-4-6" and line["tier"] == "3"
    assert int(line["tokens_in"]) > 0 and int(line["tokens_out"]) > 50
    assert float(line["cost"]) > 0 and float(line["saved"]) > 0 and 0 < int(line["share"]) < 100
    # One row, as promised: where the whole line would wrap, the priciest bot's name gives way.
    row = next(row for row in done.splitlines() if "claude-sonnet-4-6 (DEMO) · tier 3" in row)
    assert f"saved ${line['saved']} ({line['share']}%)" in row, done
    # The session's spend and saving are in the status bar.
    assert f"spent ${line['cost']}" in done and f"saved ${line['saved']}" in done
    assert "Message the room" in done
    assert remembered_prompts() == ["explain how TCP congestion control works\nand compare it with QUIC"]


def test_a_burst_of_messages_is_answered_in_order_with_nothing_lost_or_interleaved(demo: Terminal) -> None:
    messages = [(f"hello {n} from the burst", f"line two of {n}") for n in range(5)]
    for first, second in messages:
        demo.type(first)
        demo.press("C-j")
        demo.type(second)
        demo.press("Enter")

    sequence = [line for message in messages for line in message]

    def in_order(screen: str) -> bool:
        """The messages shown are a run of the ones sent, whole and in order; True once the last has
        its answer."""
        shown = user_message_rows(screen)
        if shown:
            start = sequence.index(shown[0]) if shown[0] in sequence else -1
            assert start >= 0 and shown == sequence[start : start + len(shown)], f"lost, cut or out of order:\n{screen}"
            seen.update(shown)
        text = flat(screen)
        last = text.rfind(messages[-1][1])
        return last >= 0 and "streaming…" not in text and any(line.start() > last for line in routing_lines(screen))

    seen: set[str] = set()
    # While the first answer streams the others wait, each saying so, in the order sent.
    demo.wait_until(lambda s: "messages wait" in s and "waiting — " in s, "said messages wait")
    final = demo.wait_until(in_order, "answered the last message", ANSWER * 2)
    assert "waiting" not in final and "wait" not in rows(final)[-1]
    assert seen == set(sequence)  # every line of every message was on screen at some point
    assert user_message_rows(final)[-2:] == list(messages[-1])  # the log follows the end
    assert remembered_prompts() == [f"{first}\n{second}" for first, second in messages]


def test_r_re_asks_the_strongest_bot_and_labels_the_escalation(demo: Terminal) -> None:
    sent(demo, "hello there")
    first = demo.wait_until(lambda s: routing_lines(s), "showed the first routing line", ANSWER)
    assert routing_lines(first)[0]["bot"] != "gpt-6-astra"

    demo.escape()  # leave the input: r is a key of the chat, not a letter
    demo.press("r")
    screen = demo.wait_for("↑ escalated to gpt-6-astra (DEMO)")
    screen = demo.wait_until(lambda s: len(routing_lines(s)) == 2, "showed the escalation's routing line", ANSWER)
    original, escalation = routing_lines(screen)
    assert escalation["bot"] == "gpt-6-astra" and escalation["tier"] == "5" and escalation["priciest"]
    assert original["bot"] != "gpt-6-astra"
    # Under the first answer: label, then the strongest bot's own answer, then its line.
    text = flat(screen)
    label = text.index("↑ escalated to gpt-6-astra (DEMO)")
    assert original.start() < label < text.index("priced as gpt-6-astra") < escalation.start()
    assert user_message_rows(screen) == ["hello there"]  # an escalation is not a new message
    assert "Things to try" in text[label:]  # the strongest bot's longer answer


def test_esc_stops_a_long_answer_and_keeps_what_arrived_marked_as_cut(demo: Terminal) -> None:
    sent(demo, LONG_PROMPT)
    demo.wait_until(lambda s: LONG_ANSWER_START in s and "streaming…" in s, "showed the answer streaming", ANSWER)
    demo.escape()

    # The routing line and the status bar are separate widgets: a frame may show one updated before the other.
    cut = flat(
        demo.wait_until(
            lambda s: "cut: stopped with Esc" in flat(s) and "Esc stops it" not in flat(s), "marked the answer cut", ANSWER
        )
    )
    assert LONG_ANSWER_START in cut and LONG_ANSWER_END not in cut
    assert "gpt-6-astra (DEMO) · tier 5" in cut and "streaming…" not in cut and "Esc stops it" not in cut
    # What arrived is priced (≈: counted, as the stream ended before the usage came); nothing more comes.
    assert re.search(r"≈[\d,]+→≈[\d,]+ tok · ≈\$[\d.]+ · the priciest bot · cut: stopped with Esc", cut)
    demo.type("afterwards")  # the input works again
    after = flat(demo.wait_for("afterwards"))
    assert LONG_ANSWER_END not in after and "cut: stopped with Esc" in after


def test_markup_typed_by_the_user_is_shown_as_typed(demo: Terminal) -> None:
    text = "[bold]x[/bold] [@click=app.quit]q[/] [link=https://example.com]l[/link] [red]y"
    sent(demo, text)
    screen = demo.wait_until(lambda s: routing_lines(s), "answered", ANSWER)
    assert user_message_rows(screen)[0] == text
    # Not one character of it is styled differently from the others.
    row = next(cells for cells in demo.cells() if "".join(cell.char for cell in cells).startswith(" ▌ [bold]"))
    message_cells = row[3 : 3 + len(text)]
    assert "".join(cell.char for cell in message_cells) == text
    assert {(cell.foreground, cell.bold) for cell in message_cells} == {(message_cells[0].foreground, False)}
    assert demo.alive()


def _cell_of(screen_cells: list[list[Cell]], word: str) -> Cell:
    """The first cell of `word` in a user message row."""
    for row in screen_cells:
        line = "".join(cell.char for cell in row)
        if re.match(r" ▌ \S", line) and word in line:
            return row[line.index(word)]
    raise AssertionError(f"no user message shows {word!r}")


def test_escape_sequences_in_a_paste_are_shown_not_obeyed(demo: Terminal) -> None:
    # A colour, a clipboard write (OSC 52 of "hello") and a window title, pasted among plain words.
    demo.paste("plain \x1b[31mDANGER\x1b[0m \x1b]52;c;aGVsbG8=\x07 \x1b]0;pwned\x07 end")
    demo.press("Enter")
    screen = demo.wait_until(lambda s: routing_lines(s), "answered", ANSWER)
    shown = " ".join(user_message_rows(screen)[:2])
    assert "plain" in shown and "DANGER" in shown and "end" in shown
    cells = demo.cells()
    assert _cell_of(cells, "DANGER").foreground == _cell_of(cells, "plain").foreground  # not red
    assert "pwned" not in demo._pane_format("#{pane_title}")

    # The app's own copy (y) reaches the clipboard through OSC 52 ...
    demo.escape()
    demo.press("y")
    demo.wait_for("Answer copied")
    copied = demo.buffers()
    assert any("Demo answer" in buffer for buffer in copied)
    # ... and the pasted clipboard write never did.
    assert not any("hello" in buffer for buffer in copied)


def test_ctrl_q_quits_cleanly_even_while_an_answer_streams(demo: Terminal) -> None:
    sent(demo, LONG_PROMPT)
    demo.wait_until(lambda s: LONG_ANSWER_START in s and "streaming…" in s, "showed the answer streaming", ANSWER)
    demo.press("C-q")
    assert demo.wait_for_exit() == 0
    after = demo.screen()
    assert not demo.alternate_screen()  # the terminal is given back
    assert "Traceback" not in after and "Error" not in after and "room demo" not in after
