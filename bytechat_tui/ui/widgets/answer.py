"""One answer: its Markdown streaming in, the routing line under it, and the why panel on request.

Streaming. The provider's deltas accumulate in the `Exchange`, and `sync()` hears of each; the text
follows at the pace `StreamPace` sets (every 50 ms at most, less often when showing it costs more)
and at once when the answer ends. Each flush writes what arrived since the last one to a
`MarkdownStream` (`Markdown.get_stream`), so a fast stream costs a few appends a second, never a
re-parse of the whole answer per delta.

A long answer streams into several Markdown widgets (`AnswerPart`), one after the other, so that an
append costs about the same however long the answer grows. Textual lays out a Markdown widget's
blocks again each time it grows, and visits every widget of the log at each append: finished parts
keep their layout cached (see `AnswerPart`), and those well above the end are folded while the log
follows the stream (`_fold_parts`). Once the part being written holds `PART_SIZE` characters, the
next top-level block to arrive that has no top margin begins a new part (`next_part_start`), so
the gaps between blocks are those of one document.

What is appended is always the neutralised answer: a control sequence split across two flushes is
caught because the text is neutralised from before the first control character it has.

Markdown and its parser are imported where first needed: a new chat's first screen has no answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from bytechat_tui.conversation import ENDED, Exchange
from bytechat_tui.text_safety import neutralise
from bytechat_tui.ui.stream_pace import StreamPace
from bytechat_tui.ui.widgets.routing_line import RoutingLine, bot_label
from bytechat_tui.ui.widgets.why_panel import WhyPanel

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widgets import Markdown
    from textual.widgets.markdown import MarkdownStream

    from bytechat_tui.ui.widgets.answer_part import AnswerPart

FOLD_SCREENS = 2
"""While the log follows a streaming answer, its finished parts this many screens above the end are folded."""

SAFE_LINK_SCHEMES = ("https://", "http://")
"""Links in an answer that a click may open; anything else (file:, javascript:, custom) is ignored."""


def last_code_block(markdown: str) -> str | None:
    """The text of the last fenced or indented code block of `markdown`, if it has one."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    blocks = [token.content for token in tokens if token.type in ("fence", "code_block")]
    return blocks[-1] if blocks else None


class Answer(Widget, can_focus=True):
    """Renders one `Exchange`; `sync()` is called whenever the exchange changes."""

    DEFAULT_CSS = """
    Answer {
        height: auto;
        padding: 0 0 1 0;
        border-left: outer $background;
        &:focus { border-left: outer $accent; background: $boost; }
        & > .answer--escalation { padding: 0 2; color: $text-accent; text-style: bold; }
        & > Markdown { padding: 0 2; margin: 0; }
    }
    """

    def __init__(self, exchange: Exchange) -> None:
        super().__init__()
        self.exchange = exchange
        self._shown = neutralise(exchange.answer)
        """The neutralised text the Markdown parts have been given."""
        self._plain = 0
        """Length of the answer's start that has no control character (so no sequence begins in it)."""
        self._flushed_length = len(exchange.answer)
        """Length of the raw answer at the last flush: a cheap test for new text at every delta."""
        self._routing_line = RoutingLine(exchange.route)
        self._parts: list[AnswerPart] = []
        self._part_start = 0
        """Where in `_shown` the text of the last part begins."""
        self._stream: MarkdownStream | None = None
        """Writes to the last part while the answer streams."""
        self._flush_timer: Timer | None = None
        """Set while a flush waits for its time."""
        self._pace = StreamPace()

    def compose(self) -> ComposeResult:
        from bytechat_tui.ui.widgets.answer_part import AnswerPart

        if self.exchange.escalation_of is not None:
            bot = bot_label(self.exchange.route.chosen.bot)
            label = f"↻ asked again: {bot} (already the strongest tier)" if self.exchange.asked_again else f"↑ escalated to {bot}"
            yield Static(Content(label), classes="answer--escalation")
        self._parts = [AnswerPart(self._shown, open_links=False)]
        yield self._parts[0]
        yield self._routing_line
        yield WhyPanel(self.exchange.route)

    def on_mount(self) -> None:
        self.sync()

    @property
    def routing_line(self) -> RoutingLine:
        return self._routing_line

    @property
    def why_open(self) -> bool:
        return self.query_one(WhyPanel).has_class("-open")

    def toggle_why(self) -> None:
        self.query_one(WhyPanel).toggle_class("-open")

    def on_routing_line_clicked(self, message: RoutingLine.Clicked) -> None:
        self.toggle_why()
        self.focus()

    def on_markdown_link_clicked(self, message: Markdown.LinkClicked) -> None:
        # The answer is a model's: only an ordinary web link is opened, and only on a click.
        if message.href.startswith(SAFE_LINK_SCHEMES):
            self.app.open_url(message.href)

    def sync(self) -> None:
        """Bring the routing line up to date now, and the text when its pace allows (at once if the
        answer has ended)."""
        exchange = self.exchange
        line = self._routing_line
        line.state = exchange.state
        line.retry_note = exchange.retry_note
        line.thinking = bool(exchange.reasoning) and not exchange.answer
        line.reply = exchange.reply
        ended = exchange.state in ENDED
        if len(exchange.answer) == self._flushed_length and not (ended and self._stream is not None):
            return
        if self._flush_timer is not None:
            if not ended:
                return
            self._flush_timer.stop()
        delay = self._pace.delay()
        if ended or delay <= 0:
            self._flush_soon()
        else:
            self._flush_timer = self.set_timer(delay, self._flush_soon)

    @property
    def shown_text(self) -> str:
        """The text given to the Markdown widgets so far (what a person can read)."""
        return self._shown

    @property
    def up_to_date(self) -> bool:
        """The exchange has ended and all of its text is shown (the stream is closed)."""
        exchange = self.exchange
        return exchange.state in ENDED and self._stream is None and self._shown == neutralise(exchange.answer)

    def _flush_soon(self) -> None:
        # Flushes run one at a time in this widget's message loop (a timer's callback runs in the
        # timer's task, which stopping the timer cancels).
        self._flush_timer = None
        self._pace.flushed()
        self.call_later(self._flush)

    async def _flush(self) -> None:
        self._flushed_length = len(self.exchange.answer)
        text = self._neutralised()
        previous, self._shown = self._shown, text
        if not text.startswith(previous):
            # Rare: a control sequence began in one delta and ended in the next, so the neutralised
            # text shrank; start the document over rather than show a wrong prefix.
            await self._restart(text)
        elif len(text) > len(previous):
            await self._extend(len(previous))
        if self.exchange.state in ENDED:
            await self._stop_stream()
        elif isinstance(log := self.parent, Widget) and log.scroll_y >= log.max_scroll_y:
            # The log follows the end (its anchor keeps it there until the person scrolls up).
            self._fold_parts()

    def _fold_parts(self) -> None:
        """Fold the finished parts more than `FOLD_SCREENS` screens above the answer's end.

        Textual lays out every widget of the log at each append; folded parts are blanks of their
        height, so each append costs the same however long the answer grows. Called while the log
        follows the stream, so only what the person cannot see is folded; the log unfolds parts
        as a scroll up brings them near the view (`unfold_parts`).
        """
        below = 0
        depth = self.app.size.height * FOLD_SCREENS
        for part in reversed(self._parts[:-1]):
            if below >= depth:
                part.fold()
            below += part.outer_size.height

    def unfold_parts(self, top: int, bottom: int) -> None:
        """Unfold the parts that reach into the log's lines `top` to `bottom` (virtual lines, which
        scrolling does not change)."""
        folded = [part for part in self._parts if part.folded]
        if folded:
            offset = self.virtual_region.y + self.styles.gutter.top
            for part in folded:
                region = part.virtual_region
                if offset + region.bottom > top and offset + region.y < bottom:
                    part.unfold()

    def _neutralised(self) -> str:
        answer = self.exchange.answer
        tail = answer[self._plain :]
        clean = neutralise(tail)
        # Every sequence begins with a control character: none begins in the plain start, so
        # neutralising only the rest gives the text neutralising all of it would.
        text = answer[: self._plain] + clean
        if clean == tail:
            self._plain = len(answer)
        return text

    async def _extend(self, written: int) -> None:
        """Write `_shown[written:]`, beginning a new part in it once the last one is long enough."""
        from bytechat_tui.ui.widgets.answer_part import PART_SIZE, AnswerPart, next_part_start

        text, start = self._shown, self._part_start
        if len(text) - start >= PART_SIZE and (split := next_part_start(text[start:], written - start)) is not None:
            await self._write(text[written : start + split])
            await self._stop_stream()
            part = AnswerPart(open_links=False)
            self._parts.append(part)
            await self.mount(part, before=self._routing_line)
            self._part_start = written = start + split
        await self._write(text[written:])

    async def _write(self, fragment: str) -> None:
        if fragment:
            if self._stream is None:
                part = self._parts[-1]
                self._stream = part.get_stream(part)
            await self._stream.write(fragment)

    async def _restart(self, text: str) -> None:
        await self._stop_stream()
        first, *others = self._parts
        self._parts = [first]
        self._part_start = 0
        await self.remove_children(others)
        first.unfold()
        await first.update(text)

    async def _stop_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.stop()
            # `stop` may return while its last append still runs (shielded from the cancel).
            async with stream.markdown_widget.lock:
                pass
