"""The message box: Enter sends, Ctrl+J inserts a newline, Up recalls earlier prompts.

Send and newline are handled in the widget's own key handler, never as `priority=True` bindings:
a priority binding is looked up before the key reaches the focused widget, so when a terminal
delivers a burst of typed characters followed by Enter, the binding can act while characters are
still queued and send half a message (STYLE.md #8). Here the key is handled in the order it came.

The keys are the keymap's (`send`, `newline`, `history_prev`), so a user's remap applies here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from bytechat_tui.ui.keymap import keys_for

LARGE_PASTE_CHARACTERS = 2_000
"""A paste longer than this gets a token and cost estimate before it is sent."""


class PromptInput(TextArea):
    """A multi-line input that posts `Submitted` with its text when the user sends it."""

    DEFAULT_CSS = """
    PromptInput {
        height: auto;
        max-height: 10;
        min-height: 3;
        border: tall $border-blurred;
        &:focus { border: tall $border; }
    }
    """

    @dataclass
    class Submitted(Message):
        """The user sent `text` (never empty nor only whitespace)."""

        prompt_input: PromptInput
        text: str

        @property
        def control(self) -> PromptInput:
            return self.prompt_input

    @dataclass
    class LargePaste(Message):
        """A paste made the text longer than `LARGE_PASTE_CHARACTERS`: time to show an estimate."""

        prompt_input: PromptInput

        @property
        def control(self) -> PromptInput:
            return self.prompt_input

    def __init__(
        self,
        *,
        history: Iterable[str] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            placeholder="Message the room · Enter sends · Ctrl+J new line · @bot to pick a bot",
        )
        self.prompt_history: list[str] = list(history)
        """Earlier prompts, oldest first."""
        self._recalled: int | None = None
        """Index into `prompt_history` of the prompt shown, while the user walks through it."""
        self._draft = ""
        """What was typed before walking the history, given back when walking past its end."""

    async def _on_key(self, event: events.Key) -> None:
        # Runs before TextArea._on_key (Textual dispatches down the MRO); prevent_default stops that one.
        key = event.key
        if key in keys_for(self.app, "send"):
            self._handled(event)
            self._send()
        elif key in keys_for(self.app, "newline"):
            self._handled(event)
            self._replace_via_keyboard("\n", *self.selection)
        elif key in keys_for(self.app, "history_prev") and self.cursor_at_first_line and self._recall(-1):
            self._handled(event)
        elif key == "down" and self.cursor_at_last_line and self._recalled is not None and self._recall(+1):
            self._handled(event)

    async def _on_paste(self, event: events.Paste) -> None:
        # TextArea._on_paste inserts the text after this handler; the check waits for that.
        if len(event.text) > LARGE_PASTE_CHARACTERS:
            self.call_after_refresh(self.post_message, self.LargePaste(self))

    @staticmethod
    def _handled(event: events.Key) -> None:
        event.stop()
        event.prevent_default()

    def _send(self) -> None:
        text = self.text
        if not text.strip():
            return
        if not self.prompt_history or self.prompt_history[-1] != text:
            self.prompt_history.append(text)
        self._recalled = None
        self._draft = ""
        self.clear()
        self.post_message(self.Submitted(self, text))

    def _recall(self, step: int) -> bool:
        """Show the prompt `step` away in the history; False when there is none to show."""
        if self._recalled is None:
            if step > 0 or not self.prompt_history:
                return False
            self._draft = self.text
            index = len(self.prompt_history) - 1
        else:
            index = self._recalled + step
            if index < 0:
                return False
        if index >= len(self.prompt_history):
            self._recalled = None
            self._show(self._draft)
            return True
        self._recalled = index
        self._show(self.prompt_history[index])
        return True

    def _show(self, text: str) -> None:
        self.load_text(text)
        self.move_cursor(self.document.end)
