"""The keys dialog: per provider, where its key comes from, and add, replace, remove or check it.

A key typed here goes from a password `Input` straight into a `Secret`, the input is emptied, and
the key is stored in the OS keyring through `KeyStore`; the screen only ever shows its last four
characters (`Secret.hint`). "Check" runs `providers.key_check.check_key` and shows its sentence.
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from bytechat_tui.errors import UserError
from bytechat_tui.keys import KeyEntry, KeyStore, Secret
from bytechat_tui.providers.shared_client import SharedClient
from bytechat_tui.room import Room
from bytechat_tui.vendors import VENDORS

class KeysDialog(ModalScreen[bool]):
    """One row per provider (and custom key name); dismissed with True when a key was changed."""

    DEFAULT_CSS = """
    KeysDialog { align: center middle; }
    KeysDialog > Vertical {
        width: 90;
        max-width: 95%;
        height: auto;
        max-height: 95%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    KeysDialog OptionList { height: auto; max-height: 14; margin-bottom: 1; }
    KeysDialog #keys-for { color: $text-muted; }
    KeysDialog Horizontal { height: auto; margin-top: 1; }
    KeysDialog Button { margin-right: 1; min-width: 10; }
    KeysDialog #keys-message { margin-top: 1; height: auto; }
    KeysDialog #keys-message.-error { color: $error; }
    KeysDialog #keys-message.-ok { color: $success; }
    """

    BINDINGS = [Binding("escape", "close", "Close", show=False)]

    def __init__(self, store: KeyStore, room: Room | None = None, http: SharedClient | None = None) -> None:
        """`room` lets a check use the endpoint of the room's bot that uses a key (a local server)."""
        super().__init__()
        self.store = store
        self.room = room
        self._http = http
        self.changed = False
        """Whether a key was stored or removed, for the screen that opened the dialog."""
        self.entries: list[KeyEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "API keys"
            box.border_subtitle = "stored in the OS keyring · esc closes"
            yield OptionList(id="keys-list")
            yield Static(id="keys-for")
            yield Input(password=True, placeholder="paste the key here, then Enter", id="keys-input")
            with Horizontal():
                yield Button("Store", id="keys-store", variant="primary")
                yield Button("Remove", id="keys-remove", variant="error")
                yield Button("Check", id="keys-check")
                yield Button("Close", id="keys-close")
            yield Static(id="keys-message")

    def on_mount(self) -> None:
        self._reload()
        try:
            self.store.require_keyring(next(iter(VENDORS)))
        except UserError as error:
            # Keys from the environment still show and can be checked; storing cannot work.
            self.query_one("#keys-store", Button).disabled = True
            self.query_one("#keys-remove", Button).disabled = True
            self.query_one("#keys-input", Input).disabled = True
            self._say(str(error), ok=False)
        self.query_one(OptionList).focus()

    @property
    def selected(self) -> KeyEntry | None:
        index = self.query_one(OptionList).highlighted
        return self.entries[index] if index is not None and index < len(self.entries) else None

    def _reload(self) -> None:
        entries = self.store.list()
        option_list = self.query_one(OptionList)
        highlighted = option_list.highlighted or 0
        self.entries = entries
        option_list.set_options(Option(self._row(entry), id=entry.name) for entry in entries)
        option_list.highlighted = min(highlighted, len(entries) - 1) if entries else None
        self._show_selected()

    @staticmethod
    def _row(entry: KeyEntry) -> Text:
        vendor = VENDORS.get(entry.name)
        label = vendor.label if vendor else entry.name
        row = Text(no_wrap=True)
        row.append(f"{'✓' if entry.found or not entry.needed else '✗'} {label:<28}")
        if entry.found is not None:
            row.append(f"{entry.found.origin} {entry.found.secret.hint}")
        else:
            row.append("none" if entry.needed else "no key needed")
        return row

    def _show_selected(self) -> None:
        entry = self.selected
        label = Text("")
        if entry is not None:
            vendor = VENDORS.get(entry.name)
            label = Text(f"Key for {vendor.label if vendor else entry.name} ({entry.name})")
        self.query_one("#keys-for", Static).update(label)

    def _say(self, message: str, *, ok: bool) -> None:
        widget = self.query_one("#keys-message", Static)
        widget.update(Text(message))
        widget.set_class(not ok, "-error")
        widget.set_class(ok, "-ok")

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show_selected()

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#keys-store")
    def _store_pressed(self) -> None:
        field = self.query_one(Input)
        secret = Secret(field.value)
        field.value = ""
        entry = self.selected
        if entry is not None:
            self._store(entry.name, secret)

    @on(Button.Pressed, "#keys-remove")
    def _remove_pressed(self) -> None:
        if (entry := self.selected) is not None:
            self._remove(entry.name)

    @on(Button.Pressed, "#keys-check")
    def _check_pressed(self) -> None:
        if (entry := self.selected) is not None:
            self._check(entry)

    @on(Button.Pressed, "#keys-close")
    def action_close(self) -> None:
        self.dismiss(self.changed)

    @work(exclusive=True, group="keys")
    async def _store(self, name: str, secret: Secret) -> None:
        try:
            await asyncio.to_thread(self.store.set, name, secret)
        except UserError as error:
            self._say(str(error), ok=False)
            return
        self.changed = True
        self._reload()
        self._say(f"Stored the key for {name} ({secret.hint}) in the OS keyring.", ok=True)

    @work(exclusive=True, group="keys")
    async def _remove(self, name: str) -> None:
        try:
            removed = await asyncio.to_thread(self.store.delete, name)
        except UserError as error:
            self._say(str(error), ok=False)
            return
        self.changed = self.changed or removed
        self._reload()
        left = self.store.get(name)
        if not removed:
            message = f"The keyring holds no key for {name}."
        else:
            message = f"Removed the key for {name} from the OS keyring."
        if left is not None:
            message += f" The key from {left.origin} is still used; unset it there to stop using it."
        self._say(message, ok=removed)

    @work(exclusive=True, group="keys")
    async def _check(self, entry: KeyEntry) -> None:
        found = self.store.get(entry.name)
        if found is None and entry.needed:
            self._say(f"There is no key for {entry.name} to check; paste one above and press Enter.", ok=False)
            return
        self._say(f"Checking the key for {entry.name}…", ok=True)
        secret = found.secret if found is not None else None
        # Imported here, not at the top: it brings httpx, which the app's first screen does without.
        from bytechat_tui.providers.key_check import check_key

        http = self._http if self._http is not None else SharedClient()
        try:
            result = await check_key(entry.name, secret, self.room, http.get())
        finally:
            if http is not self._http:
                await http.aclose()
        self._say(result.message, ok=result.ok)

