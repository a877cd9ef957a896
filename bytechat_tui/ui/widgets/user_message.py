"""A message the user sent, shown exactly as typed (up to a screenful or so of a huge paste)."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from bytechat_tui.text_safety import neutralise

SHOWN_CHARACTERS = 10_000
"""A longer message (a pasted file) shows its beginning and how much more was sent: laying out a
megabyte of text in the chat log would cost seconds at every resize for nothing anyone reads there."""


class UserMessage(Widget):
    """The user's text as plain content: no markup is interpreted and control sequences are defused."""

    DEFAULT_CSS = """
    UserMessage {
        height: auto;
        margin: 1 0 0 0;
        padding: 0 1;
        border-left: outer $primary;
        color: $text;
        background: $boost;
    }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        """The message as sent."""

    def render(self) -> Content:
        shown = Content(neutralise(self.text[:SHOWN_CHARACTERS]))
        hidden = len(self.text) - SHOWN_CHARACTERS
        if hidden <= 0:
            return shown
        more = f"\n… and {hidden:,} more characters, sent in full"
        return Content.assemble(shown, (more, "italic $text-muted"))
