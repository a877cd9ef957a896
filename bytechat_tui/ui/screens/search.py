"""Search every conversation (ctrl+f): results as you type, Enter jumps to the message.

Each keystroke restarts a short wait (`DEBOUNCE_S`); when typing pauses, the history is searched in
a thread worker (SQLite FTS5, `History.search`) and the results replace the list, unless the query
changed meanwhile. A result shows the conversation's title, when and who (you or an answer), and a
snippet with the matched words highlighted; titles and snippets are stored text, shown literally.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from bytechat_tui.storage import Hit, History
from bytechat_tui.text_safety import neutralise
from bytechat_tui.ui.keymap import HISTORY_IDS, app_bindings
from bytechat_tui.ui.screens.conversations import when

DEBOUNCE_S = 0.15
"""Typing pauses this long before the history is searched: one query per burst of keys."""
LIMIT = 50
HINT = "↓ results · enter jump to the message · esc close"
SYNTAX = 'All words must appear; "a phrase" as written; word* for any ending.'


def one_line(text: str) -> str:
    """Stored text made safe to show and flat: control sequences neutralised, line breaks as spaces."""
    return " ".join(neutralise(text).split()) if text.strip() else ""


def result_line(hit: Hit) -> Content:
    """`Title · May 12 · you` over `…the snippet with the **match** shown…`."""
    who = "you" if hit.role == "user" else "answer"
    head = Content.assemble((one_line(hit.title), "bold"), (f"  {when(hit.created)} · {who}", "$text-muted"))
    pieces: list[tuple[str, str] | str] = []
    for text, matched in hit.parts():
        # Spaces at the edges of a piece stay: they separate it from the match beside it.
        flat = " ".join(neutralise(text).split())
        flat = (" " if text[:1].isspace() else "") + flat + (" " if text[-1:].isspace() and flat else "")
        pieces.append((flat, "bold $text-accent underline") if matched else flat)
    return Content.assemble(head, "\n  ", *pieces)


class SearchScreen(ModalScreen[Hit | None]):
    """Dismissed with the result chosen, or None."""

    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    SearchScreen > Vertical {
        width: 112;
        max-width: 98%;
        height: 90%;
        margin-top: 1;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    SearchScreen #search-status { height: 1; color: $text-muted; padding: 0 1; }
    SearchScreen OptionList { height: 1fr; border: none; }
    SearchScreen OptionList > .option-list--option { padding: 0 0 1 0; }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", show=False), *app_bindings(HISTORY_IDS)]

    def __init__(self, history: History) -> None:
        super().__init__()
        self.history = history
        self.hits: list[Hit] = []
        """The results shown, best first."""
        self.searched: str | None = None
        """The query the results are for; None before the first search."""
        self._timer: Timer | None = None
        self._jump = False
        """Enter came before the results: jump to the best one as soon as they are shown."""

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Search every conversation"
            box.border_subtitle = HINT
            yield Input(placeholder="words, \"a phrase\", or pre* …", id="search-input")
            yield Static(Content(SYNTAX), id="search-status")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        self._jump = False
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_S, lambda: self._search(event.value))

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str) -> None:
        hits = self.history.search(query, LIMIT)
        self.app.call_from_thread(self._show, query, hits)

    def _show(self, query: str, hits: list[Hit]) -> None:
        if query != self.query_one(Input).value:
            return  # typed on since: a newer search is coming
        self.hits, self.searched = hits, query
        results = self.query_one(OptionList)
        results.set_options(Option(result_line(hit), id=str(index)) for index, hit in enumerate(hits))
        if hits:
            results.highlighted = 0
            if self._jump:
                self.dismiss(hits[0])
                return
        status = self.query_one("#search-status", Static)
        if not query.strip():
            status.update(Content(SYNTAX))
        elif not hits:
            status.update(Content("No message matches."))
        else:
            shown = f"the {LIMIT} best" if len(hits) == LIMIT else str(len(hits))
            status.update(Content(f"{shown} {'message matches' if len(hits) == 1 else 'messages match'}"))

    @on(Input.Submitted, "#search-input")
    def _jump_to_highlighted(self, event: Input.Submitted) -> None:
        if self.searched == event.value:
            if self.hits:
                self.dismiss(self.hits[self.query_one(OptionList).highlighted or 0])
            return
        # Typed faster than the results came: search now and go to the best match.
        if self._timer is not None:
            self._timer.stop()
        self._jump = True
        self._search(event.value)

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index])

    def on_key(self, event: Key) -> None:
        """Down from the query goes to the results; Up from the first result comes back."""
        field, results = self.query_one(Input), self.query_one(OptionList)
        if event.key == "down" and field.has_focus and self.hits:
            results.focus()
            event.stop()
        elif event.key == "up" and results.has_focus and results.highlighted in (None, 0):
            field.focus()
            event.stop()
