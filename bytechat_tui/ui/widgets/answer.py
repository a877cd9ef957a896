"""One answer: its Markdown streaming in, the routing line under it, and the why panel on request.

The text streams through `Markdown.get_stream()`, fed at most every `FLUSH_INTERVAL` seconds: the
provider's deltas accumulate in the `Exchange` and each flush appends what arrived since the last
one, so a fast stream costs a few appends a second, never a re-parse of the whole answer per delta.
What is appended is always the neutralised answer: a control sequence split across two deltas is
caught because the whole text is neutralised, not each piece.
"""

from __future__ import annotations

import time

from markdown_it import MarkdownIt
from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from bytechat_tui.conversation import ENDED, Exchange
from bytechat_tui.text_safety import neutralise
from bytechat_tui.ui.widgets.routing_line import RoutingLine, bot_label
from bytechat_tui.ui.widgets.why_panel import WhyPanel

FLUSH_INTERVAL = 0.05
"""Seconds between appends to the Markdown widget while an answer streams."""

SAFE_LINK_SCHEMES = ("https://", "http://")
"""Links in an answer that a click may open; anything else (file:, javascript:, custom) is ignored."""


def last_code_block(markdown: str) -> str | None:
    """The text of the last fenced or indented code block of `markdown`, if it has one."""
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
        """The neutralised text the Markdown widget has been given."""
        self._flushed_length = len(exchange.answer)
        """Length of the raw answer at the last flush: a cheap test for new text at every delta."""
        self._stream: MarkdownStream | None = None
        self._flush_pending = False
        self._last_flush = 0.0

    def compose(self) -> ComposeResult:
        if self.exchange.escalation_of is not None:
            label = f"↑ escalated to {bot_label(self.exchange.route.chosen.bot)}"
            yield Static(Content(label), classes="answer--escalation")
        yield Markdown(self._shown, open_links=False)
        yield RoutingLine(self.exchange.route)
        yield WhyPanel(self.exchange.route)

    def on_mount(self) -> None:
        self.sync()

    @property
    def routing_line(self) -> RoutingLine:
        return self.query_one(RoutingLine)

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
        """Bring the routing line up to date now and the text within `FLUSH_INTERVAL`."""
        exchange = self.exchange
        line = self.routing_line
        line.state = exchange.state
        line.retry_note = exchange.retry_note
        line.thinking = bool(exchange.reasoning) and not exchange.answer
        line.reply = exchange.reply
        if not self._flush_pending and (self._stream is not None or len(exchange.answer) != self._flushed_length):
            self._flush_pending = True
            delay = self._last_flush + FLUSH_INTERVAL - time.monotonic()
            if delay > 0:
                self.set_timer(delay, self._flush)
            else:
                self.call_later(self._flush)

    @property
    def shown_text(self) -> str:
        """The text given to the Markdown widget so far (what a person can read)."""
        return self._shown

    @property
    def up_to_date(self) -> bool:
        """The exchange has ended and all of its text is shown (the stream is closed)."""
        return (
            self.exchange.state in ENDED
            and self._stream is None
            and not self._flush_pending
            and self._shown == neutralise(self.exchange.answer)
        )

    async def _flush(self) -> None:
        self._flush_pending = False
        self._last_flush = time.monotonic()
        markdown = self.query_one(Markdown)
        self._flushed_length = len(self.exchange.answer)
        text = neutralise(self.exchange.answer)
        ended = self.exchange.state in ENDED
        previous, self._shown = self._shown, text
        if text.startswith(previous):
            if len(text) > len(previous):
                if self._stream is None:
                    self._stream = Markdown.get_stream(markdown)
                await self._stream.write(text[len(previous) :])
        else:
            # Rare: a control sequence began in one delta and ended in the next, so the neutralised
            # text shrank; start the document over rather than show a wrong prefix.
            await self._stop_stream()
            await markdown.update(text)
        if ended:
            await self._stop_stream()

    async def _stop_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.stop()
