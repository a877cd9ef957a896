"""The scrolling conversation, with only a window of it mounted (STYLE.md #9).

A Markdown widget per message costs too much to keep thousands mounted, so the log keeps every
exchange in `items` (in display order) but widgets only for the window `items[start:end]`:
normally the latest `WINDOW` exchanges. Reaching the top mounts `BATCH` older ones above (and lets
go of the newest when the window would pass `MAX_MOUNTED`); reaching the bottom of a window that
is not at the end does the reverse. An exchange still waiting or streaming is never unmounted, so
its widgets are there to stream into. Escalations are shown right under the answer they re-ask.

The log follows the end as answers stream (`anchor()`), until the user scrolls up; scrolling
unfolds what a long answer folded meanwhile (`Answer.unfold_parts`). `reveal()` (a search result)
mounts the window around one exchange instead, scrolls it to the top of the view and marks it found.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.containers import VerticalScroll
from textual.widget import Widget

from bytechat_tui.conversation import ENDED, Exchange
from bytechat_tui.ui.widgets.answer import Answer
from bytechat_tui.ui.widgets.user_message import UserMessage

WINDOW = 50
"""Exchanges mounted while the user reads the end of the conversation."""
BATCH = 10
"""Exchanges mounted at once when the user scrolls past either end of the window. An exchange with a
typical answer is some 50 widgets and ~40 ms to mount: 10 of them hold the scroll for ~0.4 s and
still add several screens of text, where 25 held it for a second."""
MAX_MOUNTED = WINDOW + BATCH
OPENING_WINDOW = 10
"""Exchanges mounted when a conversation is opened from the history (or at a search result): a
screenful or more, so that opening one costs the same whatever its length and whatever its answers hold;
the rest mounts as the user scrolls, `BATCH` at a time."""


class ChatLog(VerticalScroll, can_focus=False):
    """Every exchange of the conversation; widgets for a window of them."""

    DEFAULT_CSS = """
    ChatLog {
        height: 1fr;
        padding: 0 1;
        scrollbar-gutter: stable;
        & > .-found { background: $accent 15%; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[Exchange] = []
        """Every exchange, each escalation right after the exchange it re-asks (and its earlier ones)."""
        self.start = 0
        self.end = 0
        """`items[start:end]` have widgets."""
        self._widgets: dict[int, list[Widget]] = {}
        self._moving_window = False
        self.found: int | None = None
        """The exchange `reveal()` marked (a search result), until the log shows something else."""

    def on_mount(self) -> None:
        self.anchor()

    # What the screen asks for.

    def add(self, exchange: Exchange) -> Answer | None:
        """Show a new exchange (an escalation under its original); its Answer if it is mounted."""
        index = self._display_index(exchange)
        at_end = self.end == len(self.items)
        follower = self._first_widget(index)
        self.items.insert(index, exchange)
        if index < self.start or (index == self.start > 0):
            # Above the window (an escalation of an answer scrolled out): it mounts with its original.
            self.start += 1
            self.end += 1
        elif index < self.end or at_end:
            self._mount_items([exchange], before=follower)
            self.end += 1
            if at_end:
                self._trim_top(WINDOW)
        return self.answer_for(exchange)

    def load(
        self, exchanges: Iterable[Exchange], *, window: int = WINDOW, around: int | None = None, message: bool = True
    ) -> Answer | None:
        """Replace everything with `exchanges` (a resumed or new conversation), showing the latest
        `window` of them, or with `around` the exchange of that id as `reveal` shows it (returning
        its answer)."""
        self.items = []
        for exchange in exchanges:
            self.items.insert(self._display_index(exchange), exchange)
        if around is not None and any(exchange.id == around for exchange in self.items):
            return self.reveal(around, message=message)
        self._remount_latest(window)
        return None

    def reveal(self, exchange_id: int, *, message: bool = True) -> Answer | None:
        """Mount the window around an exchange, scroll it to the top of the view and mark it found.

        `message` scrolls to the user's message (where the search matched it), else to the answer.
        Returns the answer's widget, for the screen to focus (`r` then re-asks that message). An
        answer streaming outside the new window keeps streaming into its exchange and shows all
        of it when the user comes back to the end.
        """
        index = next((position for position, item in enumerate(self.items) if item.id == exchange_id), None)
        if index is None:
            return None
        start = max(0, index - OPENING_WINDOW // 4)
        self._remount(start, min(len(self.items), start + OPENING_WINDOW))
        widgets = self._widgets[exchange_id]
        for widget in widgets:
            widget.add_class("-found")
        self.found = exchange_id
        target = widgets[0] if message else widgets[-1]

        def settle() -> None:
            self.scroll_to_widget(target, animate=False, top=True, immediate=True)
            self.release_anchor()
            self._window_settled()

        self._moving_window = True
        self.call_after_refresh(settle)
        return self.answer_for(self.items[index])

    def show_latest(self) -> None:
        """Bring the end of the conversation into view and follow it again."""
        if self.end < len(self.items):
            self._remount_latest()
        self.anchor()

    def answer_for(self, exchange: Exchange) -> Answer | None:
        widgets = self._widgets.get(exchange.id)
        return widgets[-1] if widgets and isinstance(widgets[-1], Answer) else None

    @property
    def answers(self) -> list[Answer]:
        """The mounted answers, top to bottom."""
        return [answer for exchange in self.items[self.start : self.end] if (answer := self.answer_for(exchange))]

    # Scrolling past either end of the window.

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # Parts of a long answer folded while it streamed unfold a screen before they come into view.
        margin = self.app.size.height
        for answer in self.answers:
            answer.unfold_parts(round(new_value) - margin, round(new_value) + self.size.height + margin)
        if self._moving_window or round(old_value) == round(new_value):
            return
        if new_value <= 0 < self.start:
            self._reveal_older()
        elif new_value >= self.max_scroll_y and self.end < len(self.items):
            self._reveal_newer()

    def _reveal_older(self) -> None:
        first = self._first_widget(self.start)
        new_start = max(0, self.start - BATCH)
        self._mount_items(self.items[new_start : self.start], before=first)
        self.start = new_start
        while self.end - self.start > MAX_MOUNTED and self.items[self.end - 1].state in ENDED:
            self.end -= 1
            self._unmount(self.items[self.end])
        if first is not None:
            self._hold_still(first)

    def _reveal_newer(self) -> None:
        new_end = min(len(self.items), self.end + BATCH)
        self._mount_items(self.items[self.end : new_end])
        self.end = new_end
        self._trim_top(MAX_MOUNTED)

    def _hold_still(self, widget: Widget) -> None:
        """Keep `widget` where the user's eyes are while the window changes above it."""
        self._moving_window = True

        def settle() -> None:
            self.scroll_to_widget(widget, animate=False, top=True, immediate=True)
            self._moving_window = False

        self.call_after_refresh(settle)

    # Mounting and unmounting.

    def _remount_latest(self, window: int = WINDOW) -> None:
        end = start = len(self.items)
        # Unended exchanges stay mounted whatever their number: they are about to stream.
        while start > 0 and (end - start < window or self.items[start - 1].state not in ENDED):
            start -= 1
        self._remount(start, end)

        self.call_after_refresh(self._window_settled)

    def _window_settled(self) -> None:
        """Once the new window is laid out, scrolling may move it again; one too short to scroll
        (a tall terminal, short messages) could never reveal older exchanges, so it does so now."""
        self._moving_window = False
        if self.start > 0 and self.max_scroll_y == 0:
            self._reveal_older()

    def _remount(self, start: int, end: int) -> None:
        """Widgets for `items[start:end]` only; the caller lets the window move again once laid out."""
        self._moving_window = True
        self.remove_children()
        self._widgets.clear()
        self.found = None
        self.start, self.end = start, end
        self._mount_items(self.items[start:end])

    def _trim_top(self, limit: int) -> None:
        while self.end - self.start > limit and self.items[self.start].state in ENDED:
            self._unmount(self.items[self.start])
            self.start += 1

    def _mount_items(self, exchanges: list[Exchange], before: Widget | None = None) -> None:
        widgets: list[Widget] = []
        for exchange in exchanges:
            own: list[Widget] = [] if exchange.escalation_of is not None else [UserMessage(exchange.text)]
            own.append(Answer(exchange))
            self._widgets[exchange.id] = own
            widgets += own
        if widgets:
            self.mount_all(widgets, before=before)

    def _unmount(self, exchange: Exchange) -> None:
        for widget in self._widgets.pop(exchange.id, []):
            widget.remove()

    def _first_widget(self, index: int) -> Widget | None:
        """The top widget of `items[index]` when it is mounted; None past the window."""
        if self.start <= index < self.end:
            return self._widgets[self.items[index].id][0]
        return None

    def _display_index(self, exchange: Exchange) -> int:
        if exchange.escalation_of is None:
            return len(self.items)
        index = next(
            (position for position, item in enumerate(self.items) if item.id == exchange.escalation_of),
            len(self.items) - 1,
        )
        index += 1
        while index < len(self.items) and self.items[index].escalation_of == exchange.escalation_of:
            index += 1
        return index
