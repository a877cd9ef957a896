"""The conversation list (ctrl+o): every kept conversation, newest first; open, rename, delete, new.

A row per conversation: its title (its first message, or what the person renamed it to), when it
was last updated, how many messages it has, what it cost and what it saved against the priciest
bot. Reading and writing the history happens in thread workers; titles are shown literally.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from bytechat_tui.errors import UserError
from bytechat_tui.pricing.cost import usd
from bytechat_tui.storage import ConversationSummary, History
from bytechat_tui.text_safety import neutralise
from bytechat_tui.ui.keymap import HISTORY_IDS, app_bindings, key_hint, screen_bindings
from bytechat_tui.ui.dialogs.confirm import ConfirmDialog

Choice = int | Literal["new"]
"""What the list was closed with: a conversation to open, or a new chat."""

CURRENT = "●"
"""Marks the conversation the chat shows."""


def when(timestamp: float, now: float | None = None) -> str:
    """`14:02` today, `May 12` this year, `2024-05-12` before."""
    moment, today = time.localtime(timestamp), time.localtime(now)
    if moment[:3] == today[:3]:
        return time.strftime("%H:%M", moment)
    if moment.tm_year == today.tm_year:
        return time.strftime("%b %d", moment)
    return time.strftime("%Y-%m-%d", moment)


class ConversationsScreen(ModalScreen[Choice | None]):
    """Dismissed with the id of the conversation to open, "new", or None (closed)."""

    DEFAULT_CSS = """
    ConversationsScreen { align: center middle; }
    ConversationsScreen > Vertical {
        width: 112;
        max-width: 98%;
        height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    ConversationsScreen DataTable { height: 1fr; }
    ConversationsScreen #rename { display: none; }
    ConversationsScreen #rename.-shown { display: block; }
    ConversationsScreen #conversations-message { height: auto; color: $text-muted; }
    ConversationsScreen #conversations-message.-error { color: $text-error; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", show=False),
        *screen_bindings("conversations"),
        *app_bindings(HISTORY_IDS),
    ]

    @dataclass
    class Deleted(Message):
        """A conversation was deleted from the history."""

        conversations: ConversationsScreen
        conversation_id: int

        @property
        def control(self) -> ConversationsScreen:
            return self.conversations

    def __init__(self, history: History, current: int | None = None) -> None:
        """`current`: the id of the conversation the chat shows, marked in the list."""
        super().__init__()
        self.history = history
        self.current = current
        self.summaries: list[ConversationSummary] = []
        """The rows, in order (newest first)."""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Conversations"
            hint = partial(key_hint, self.app)
            box.border_subtitle = (
                f"enter open · {hint('conversation_new')} new chat · {hint('conversation_rename')} rename · "
                f"{hint('conversation_delete')} delete · esc close"
            )
            yield DataTable(cursor_type="row", zebra_stripes=True, id="conversations")
            yield Input(placeholder="a new title, then Enter (Esc keeps the old one)", id="rename")
            yield Static(id="conversations-message")

    def on_mount(self) -> None:
        self.table.focus()
        self._load(select=self.current)

    def on_resize(self) -> None:
        if self.summaries:
            self._show(self.summaries, self.selected.id if self.selected else None)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(DataTable)

    @property
    def selected(self) -> ConversationSummary | None:
        """The conversation under the cursor."""
        table = self.table
        if not self.summaries or not table.is_valid_row_index(table.cursor_row):
            return None
        return self.summaries[table.cursor_row]

    @work(thread=True, exclusive=True, group="conversations")
    def _load(self, select: int | None = None) -> None:
        summaries = self.history.conversations()
        self.app.call_from_thread(self._show, summaries, select)

    def _show(self, summaries: list[ConversationSummary], select: int | None) -> None:
        self.summaries = summaries
        table = self.table
        table.clear(columns=True)
        # The title takes what the other columns leave (each cell has one column of padding a side).
        others = {"updated": 10, "msgs": 6, "spent": 10, "saved": 10}
        title = max(16, table.scrollable_content_region.width - 1 - sum(others.values()) - 2 * (len(others) + 2) - 1)
        table.add_column(" ", key="current", width=1)
        table.add_column("title", key="title", width=title)
        for name, width in others.items():
            table.add_column(name, key=name, width=width)
        for summary in summaries:
            approx = "≈" if summary.estimated else ""
            table.add_row(
                Text(CURRENT if summary.id == self.current else ""),
                Text(neutralise(summary.title), no_wrap=True, overflow="ellipsis"),
                Text(when(summary.updated)),
                Text(f"{summary.messages:,}", justify="right"),
                Text(f"{approx}{usd(summary.spend_usd)}", justify="right"),
                Text(f"{approx}{usd(summary.saved_usd)}", justify="right"),
                key=str(summary.id),
            )
        rows = [summary.id for summary in summaries]
        if select in rows:
            table.move_cursor(row=rows.index(select), animate=False)
        if not summaries:
            self._say("No conversations yet: every chat is kept here as it happens.")

    def _say(self, text: str | None, error: bool = False) -> None:
        message = self.query_one("#conversations-message", Static)
        message.update(Content(neutralise(text or "")))
        message.set_class(error, "-error")

    # Open, new, close.

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if (summary := self.selected) is not None:
            self.dismiss(summary.id)

    def action_new_chat(self) -> None:
        self.dismiss("new")

    def action_close(self) -> None:
        """Esc: leave the rename if one is under way, else close the list."""
        if self._renaming:
            self._end_rename()
        else:
            self.dismiss(None)

    # Rename, inline.

    @property
    def _renaming(self) -> bool:
        return self.query_one("#rename", Input).has_class("-shown")

    def action_rename(self) -> None:
        summary = self.selected
        if summary is None:
            return
        field = self.query_one("#rename", Input)
        field.value = neutralise(summary.title)
        field.border_title = Content(f"Rename: {neutralise(summary.title)}")
        field.add_class("-shown")
        field.focus()
        self._say("Enter keeps the new title, Esc the old one.")

    @on(Input.Submitted, "#rename")
    def _renamed(self, event: Input.Submitted) -> None:
        event.stop()
        summary = self.selected
        if summary is not None:
            self._rename(summary.id, event.value)

    @work(thread=True, exclusive=True, group="conversations-write")
    def _rename(self, conversation_id: int, title: str) -> None:
        try:
            self.history.rename(conversation_id, title)
        except UserError as error:
            self.app.call_from_thread(self._say, f"Not renamed: {error}.", True)
            return
        self.app.call_from_thread(self._end_rename)
        self.app.call_from_thread(self._load, conversation_id)

    def _end_rename(self) -> None:
        self.query_one("#rename", Input).remove_class("-shown")
        self.table.focus()
        self._say(None)

    # Delete, once confirmed.

    def action_delete(self) -> None:
        summary = self.selected
        if summary is None:
            return
        messages = f"its {summary.messages:,} messages" if summary.messages != 1 else "its one message"
        question = f'Delete "{neutralise(summary.title)}" and {messages} from the history? This cannot be undone.'
        if summary.id == self.current:
            question += " The chat goes on as a new conversation."

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._delete(summary.id)

        self.app.push_screen(ConfirmDialog("Delete conversation", question, "Delete"), answered)

    @work(thread=True, exclusive=True, group="conversations-write")
    def _delete(self, conversation_id: int) -> None:
        try:
            self.history.delete(conversation_id)
        except UserError as error:
            self.app.call_from_thread(self._say, f"Not deleted: {error}.", True)
            return
        self.app.call_from_thread(self.post_message, self.Deleted(self, conversation_id))
        self.app.call_from_thread(self._say, "Deleted.")
        self.app.call_from_thread(self._load)
