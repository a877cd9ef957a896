"""A long answer streamed in many flushes reads exactly as the same answer shown whole.

The answer streams through the real client from a loopback server that pauses between events, so
the app flushes many times, at places that fall inside words, code, lists and tables; a long one
is shown in several Markdown parts, some folded while the log follows the stream (see
`bytechat_tui/ui/widgets/answer.py`). What a person sees must not tell. Also here: where a part may
begin, how often the stream is fed (`StreamPace`), and what keeps streaming cheap (lazy imports,
the garbage collector's setting).
"""

from __future__ import annotations

import gc
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from loopback import LoopbackServer, Pause, loopback  # noqa: F401 - `loopback` is a fixture
from loopback import Reply as Served
from test_chat_screen import (
    ChatHarness,
    answered,
    chat_over,
    loopback_room,
    run,
    screen_text,
    send,
    sse_answer,
    wait_until,
)
from textual.pilot import Pilot

from bytechat_tui.text_safety import neutralise
from bytechat_tui.ui.collector import YOUNG_THRESHOLD, collect_young_less_often
from bytechat_tui.ui.stream_pace import BUDGET, LONGEST, SHORTEST, StreamPace
from bytechat_tui.ui.widgets.answer_part import PART_SIZE, AnswerPart, next_part_start


def long_answer(sections: int = 16) -> str:
    """Markdown with every kind of block the parts may begin or end with, and some they may not."""
    parts = []
    for number in range(1, sections + 1):
        parts.append(
            f"## Section {number}\n\n"
            f"Paragraph {number} runs over more than one line of the terminal, so that wrapping is part "
            f"of what is compared; it mentions `inline code` and **bold** words.\n"
            "A second line of the same paragraph.\n\n"
            f"- item {number}.1\n- item {number}.2\n  continued\n- item {number}.3\n\n"
            f"```python\ndef section_{number}() -> int:\n    return {number}\n```\n\n"
            f"| key | value |\n|-----|-------|\n| n | {number} |\n| square | {number * number} |\n\n"
            f"1. first\n2. second\n\n> a quote in section {number}\n\n---\n\n"
        )
    return "".join(parts) + "The end.\n"


def paced(reply: Served, pause: float, every: int) -> Served:
    """`reply` with a pause after every `every` SSE events, so that the app flushes between them."""
    [body] = reply.body
    assert isinstance(body, bytes)
    events = [event + b"\n\n" for event in body.split(b"\n\n") if event]
    paused: list[bytes | Pause] = []
    for index, event in enumerate(events, 1):
        paused += [event, Pause(pause)] if index % every == 0 else [event]
    return replace(reply, body=paused)


def pieces(text: str, size: int) -> list[str]:
    return [text[start : start + size] for start in range(0, len(text), size)]


async def log_screens(pilot: Pilot[None], app: ChatHarness) -> list[list[str]]:
    """The chat log as shown, scrolled from the top to the end, a little less than a screen at a time."""
    log = app.chat.chat_log
    screens = []
    for y in [*range(0, log.max_scroll_y, log.size.height - 3), log.max_scroll_y]:
        log.scroll_to(y=y, animate=False)
        await pilot.pause()
        await pilot.pause()
        assert log.scroll_y == y
        screens.append(screen_text(app).splitlines()[log.region.y : log.region.bottom])
    return screens


def test_a_long_streamed_answer_reads_as_the_same_answer_shown_whole(loopback: LoopbackServer) -> None:
    text = long_answer()
    # Over three seconds: many flushes, however slowly the machine lets them come (`StreamPace`).
    loopback.queue(paced(sse_answer(*pieces(text, 37)), pause=0.04, every=2))

    async def scenario() -> None:
        async with chat_over(loopback_room(loopback)) as (app, pilot):
            await send(pilot, "a long answer, please")
            await answered(pilot, app, 1)
            [exchange] = app.conversation.exchanges
            [streamed] = app.chat.chat_log.answers
            assert exchange.answer == text and streamed.shown_text == text
            parts = list(streamed.query(AnswerPart))
            assert len(parts) >= 2 and all(len(part.source) >= PART_SIZE for part in parts[:-1])
            # Parts well above the end were folded while the log followed the stream.
            assert parts[0].folded and not parts[-1].folded
            seen_streamed = await log_screens(pilot, app)
            assert not any(part.folded for part in parts), "scrolling through the answer unfolded every part"

            # The same exchange shown whole, as a resumed conversation shows it: one Markdown widget.
            app.chat.chat_log.load(app.conversation.exchanges)

            def shown_whole() -> bool:
                shown = [part for answer in app.chat.chat_log.answers for part in answer.query(AnswerPart)]
                return len(shown) == 1 and shown[0] not in parts and len(shown[0].children) > 80

            await wait_until(pilot, shown_whole, "the answer was shown whole")
            await pilot.pause()
            seen_whole = await log_screens(pilot, app)
            assert len(seen_whole) == len(seen_streamed) > 4
            for streamed_screen, whole_screen in zip(seen_streamed, seen_whole, strict=True):
                assert streamed_screen == whole_screen

    run(scenario)


def test_a_control_sequence_split_across_flushes_never_shows_and_the_text_ends_right(loopback: LoopbackServer) -> None:
    # Each piece is flushed on its own (the pauses are longer than any interval between flushes): the
    # OSC 52 clipboard write's introducer, its payload and its terminator arrive in three flushes, a
    # colour in two.
    deltas = ["Plain start.", "\x1b", "]52;c;cHduZWQ=", "\x07 middle \x1b[3", "1mred\x1b[0m end"]
    loopback.queue(paced(sse_answer(*deltas), pause=LONGEST + 0.1, every=1))

    async def scenario() -> None:
        async with chat_over(loopback_room(loopback)) as (app, pilot):
            await send(pilot, "say something odd")
            await answered(pilot, app, 1)
            [answer] = app.chat.chat_log.answers
            assert answer.shown_text == neutralise("".join(deltas)) == "Plain start. middle red end"
            assert "Plain start. middle red end" in screen_text(app)
            assert "cHdu" not in screen_text(app) and app.clipboard == ""

    run(scenario)


@pytest.mark.parametrize(
    ("part", "written", "start"),
    [
        # The last top-level block that may open a part, when it begins after what is written.
        ("Intro.\n\nA paragraph\n", 0, len("Intro.\n\n")),
        ("Intro.\n\n- a\n- b\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", 8, len("Intro.\n\n- a\n- b\n\n")),
        ("Intro.\n\n***\n", 8, len("Intro.\n\n")),
        # Not a heading, a fence or a quote, which have a top margin: the paragraph before them.
        ("Intro.\n\nMore.\n\n## Title\n\n```\ncode\n```\n\n> quote\n", 0, len("Intro.\n\n")),
        # Not where the text is in the widget already: that block has begun there.
        ("Intro.\n\nA paragraph\n", 9, None),
        # Not inside a block: a list item, code, a table's rows.
        ("- a\n\n- b\n\n  more\n", 0, None),
        ("```\nIntro.\n\nNot a paragraph.\n", 0, None),
        ("| a | b |\n|---|---|\n| 1 | 2 |\n", 0, None),
        # Not at the very start: the part would be empty.
        ("A paragraph\n", 0, None),
    ],
)
def test_a_new_part_begins_only_at_a_top_level_block_without_top_margin(
    part: str, written: int, start: int | None
) -> None:
    assert next_part_start(part, written) == start


class Clocks:
    """Wall and CPU clocks a test moves by hand."""

    def __init__(self) -> None:
        self.wall = 100.0
        self.cpu = 7.0

    def spend(self, seconds: float, share: float) -> None:
        self.wall += seconds
        self.cpu += seconds * share


def test_the_stream_is_fed_less_often_when_showing_it_costs_more_than_the_budget() -> None:
    clocks = Clocks()
    pace = StreamPace(wall=lambda: clocks.wall, cpu=lambda: clocks.cpu)
    assert pace.delay() == 0  # the first text shows at once
    pace.flushed()
    assert pace.interval == SHORTEST and pace.delay() == pytest.approx(SHORTEST)
    # Costly flushes (the UI busy all the time): the interval grows, up to the longest.
    intervals = []
    for _ in range(12):
        clocks.spend(pace.interval, share=1.0)
        pace.flushed()
        intervals.append(pace.interval)
    assert intervals == sorted(intervals) and intervals[0] > SHORTEST and intervals[-1] == pytest.approx(LONGEST)
    # At the budget it holds; cheap again (a short answer, a quiet machine), back to the shortest.
    clocks.spend(pace.interval, share=BUDGET)
    pace.flushed()
    assert pace.interval == pytest.approx(LONGEST)
    for _ in range(12):
        clocks.spend(pace.interval, share=0.02)
        pace.flushed()
    assert pace.interval == pytest.approx(SHORTEST)
    # What is due counts from the last flush.
    clocks.spend(0.02, share=0)
    assert pace.delay() == pytest.approx(SHORTEST - 0.02)


def test_the_chat_screen_imports_without_markdown_which_comes_with_the_first_answer() -> None:
    probe = (
        "import sys\n"
        "import bytechat_tui.ui.screens.chat\n"
        "print(sorted(name for name in ('markdown_it', 'textual.widgets._markdown') if name in sys.modules))\n"
    )
    repo = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_young_generation_is_collected_less_often_but_never_more_often_nor_when_collection_is_off() -> None:
    before = gc.get_threshold()
    try:
        for start, after in [((700, 10, 10), (YOUNG_THRESHOLD, 10, 10)), ((50_000, 5, 5), (50_000, 5, 5))]:
            gc.set_threshold(*start)
            collect_young_less_often()
            assert gc.get_threshold() == after
        gc.set_threshold(0, 10, 10)
        collect_young_less_often()
        assert gc.get_threshold() == (0, 10, 10)
    finally:
        gc.set_threshold(*before)
