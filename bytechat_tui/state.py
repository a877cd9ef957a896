"""What the app remembers between runs: theme, last room, bots switched off, prompts sent.

One small JSON file, `state.json` in the data dir. It is the app's memory, not configuration: the
app writes it, a person never needs to. So it is forgiving: a missing file is a first run, and a
damaged one (bad JSON, wrong shapes) is moved aside as `state.json.bad` and the app starts afresh,
never crashing over it. Writes are atomic (a private temp file, then `os.replace`), so a crash
mid-write leaves the old file whole; the file is 0600 in a 0700 directory, because prompts are
private.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bytechat_tui.errors import UserError
from bytechat_tui.locations import data_dir

STATE_FILE = "state.json"
HISTORY_LIMIT = 200
"""Prompts kept for Up-arrow recall across runs."""
HISTORY_ENTRY_LIMIT = 64 * 1024
"""Longer prompts (a pasted file) are not kept across runs: 200 of them would make a file of
hundreds of MB, read at every start."""


@dataclass
class AppState:
    theme: str | None = None
    last_room: str | None = None
    disabled_bots: dict[str, list[str]] = field(default_factory=dict)
    """Room name -> names of its bots the person switched off."""
    prompt_history: list[str] = field(default_factory=list)
    """Prompts sent, oldest first, at most `HISTORY_LIMIT`."""

    def remember_prompt(self, text: str) -> None:
        """Add a sent prompt to the history (a repeat of the last one, or a huge one, is not added)."""
        if not text.strip() or len(text) > HISTORY_ENTRY_LIMIT:
            return
        if self.prompt_history and self.prompt_history[-1] == text:
            return
        self.prompt_history.append(text)
        del self.prompt_history[:-HISTORY_LIMIT]

    def set_bot_enabled(self, room: str, bot: str, enabled: bool) -> None:
        disabled = [name for name in self.disabled_bots.get(room, []) if name != bot]
        if not enabled:
            disabled.append(bot)
        if disabled:
            self.disabled_bots[room] = disabled
        else:
            self.disabled_bots.pop(room, None)

    def is_bot_enabled(self, room: str, bot: str) -> bool:
        return bot not in self.disabled_bots.get(room, ())


def state_path() -> Path:
    return data_dir() / STATE_FILE


def load_state() -> AppState:
    """The remembered state; a fresh one when there is none or it cannot be read."""
    path = state_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return AppState()
    except UnicodeDecodeError:
        return _set_aside(path)
    except OSError:
        return AppState()  # unreadable (permissions, a directory): nothing to remember, nothing to move
    try:
        return _from_json(json.loads(text))
    except (ValueError, RecursionError):
        return _set_aside(path)


def save_state(state: AppState) -> None:
    """Write the state atomically; a `UserError` saying why when the data dir is not writable."""
    path = state_path()
    data = json.dumps(_to_json(state), ensure_ascii=False, indent=1)
    try:
        _private_dir(path.parent)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".state.", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise UserError(f"could not save the app's state to {path} ({error.strerror or error})") from error


def change_state(change: Callable[[AppState], object]) -> None:
    """Apply `change` to the state on disk, loaded afresh so another writer's changes are kept.

    The chat (prompts, bots switched off) and the app (theme, room) both write the file; neither
    holds a copy that could overwrite the other's. Raises UserError when it cannot be saved.
    """
    state = load_state()
    change(state)
    save_state(state)


def _private_dir(directory: Path) -> None:
    if not directory.is_dir():
        directory.mkdir(parents=True, mode=0o700)
        directory.chmod(0o700)  # mkdir's mode is filtered by the umask


def _set_aside(path: Path) -> AppState:
    """Keep a damaged file for the curious (and out of the way of the next save); start afresh."""
    try:
        os.replace(path, path.with_name(path.name + ".bad"))
    except OSError:
        pass  # unreadable and unmovable: the next save replaces it
    return AppState()


def _to_json(state: AppState) -> dict[str, Any]:
    return {
        "theme": state.theme,
        "last_room": state.last_room,
        "disabled_bots": state.disabled_bots,
        "prompt_history": state.prompt_history[-HISTORY_LIMIT:],
    }


def _from_json(data: Any) -> AppState:
    """The state a file holds; ValueError for any shape it should not have. Unknown keys are
    ignored, so a newer version's file still loads."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    theme, last_room = data.get("theme"), data.get("last_room")
    disabled = data.get("disabled_bots", {})
    history = data.get("prompt_history", [])
    if not all(value is None or isinstance(value, str) for value in (theme, last_room)):
        raise ValueError("theme and last_room are strings")
    if not isinstance(disabled, dict) or not all(
        isinstance(bots, list) and all(isinstance(bot, str) for bot in bots) for bots in disabled.values()
    ):
        raise ValueError("disabled_bots maps rooms to lists of names")
    if not isinstance(history, list) or not all(isinstance(prompt, str) for prompt in history):
        raise ValueError("prompt_history is a list of strings")
    return AppState(
        theme=theme,
        last_room=last_room,
        disabled_bots={room: list(bots) for room, bots in disabled.items() if bots},
        prompt_history=history[-HISTORY_LIMIT:],
    )
