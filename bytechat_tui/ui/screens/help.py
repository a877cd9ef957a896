"""F1 / `?`: every binding id, the keys it has now (after the user's remap) and what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from bytechat_tui.ui.keymap import KEY_SPECS, describe_keys, keys_for


class HelpScreen(ModalScreen[None]):
    """A table of the keymap; Esc, F1 or q closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 108;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen DataTable { height: auto; max-height: 30; }
    HelpScreen .help--hint { color: $text-muted; padding-top: 1; }
    """

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Keys"
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Static(
                Text(
                    "Remap any of these in config.toml, e.g.\n[keybindings]\nescalate = \"e\"\n"
                    "Keys that type a character (r, w, y, c, i, ?) act only while the message input "
                    "does not have the focus."
                ),
                classes="help--hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "keys", "what it does")
        for spec in KEY_SPECS:
            table.add_row(spec.id, describe_keys(keys_for(self.app, spec.id)), spec.description, key=spec.id)
        table.focus()
