"""A yes-or-no question before something that cannot be undone (deleting a conversation)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    """Dismissed with True only by the confirming button (or its key); Esc, n or Cancel say False.

    Cancel has the focus at first, so an Enter pressed out of habit does not destroy anything.
    """

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical {
        width: 72;
        max-width: 95%;
        height: auto;
        border: round $error;
        background: $surface;
        padding: 1 2;
    }
    ConfirmDialog Horizontal { height: auto; margin-top: 1; }
    ConfirmDialog Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Cancel", show=False),
        Binding("y", "answer(True)", "Confirm", show=False),
    ]

    def __init__(self, title: str, question: str, confirm: str) -> None:
        """`question` is shown literally (it may quote a title the user typed); `confirm` labels the
        button that goes ahead ("Delete")."""
        super().__init__()
        self.title_text = title
        self.question = question
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content(self.title_text)
            yield Static(Content(self.question))
            with Horizontal():
                yield Button(Content(f"{self.confirm} (y)"), id="confirm-yes", variant="error")
                yield Button(Content("Cancel (n)"), id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
