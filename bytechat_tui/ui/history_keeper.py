"""The history as the app keeps it: opened once, one recorder per conversation shown, exports.

No widget here: the app calls it and shows what it says. Every problem (a data dir that cannot be
written, a full disk noted by a writer thread) reaches the person once, through `say`, and never
stops the chat: without a history, conversations simply go unrecorded.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from bytechat_tui.conversation import ENDED, Conversation
from bytechat_tui.errors import UserError
from bytechat_tui.locations import data_dir

if TYPE_CHECKING:
    from bytechat_tui.storage import History
    from bytechat_tui.storage.recorder import HistoryRecorder

ExportFormat = Literal["md", "json"]
RECORDED_WAIT_S = 2.0
"""How long an export waits for the writer thread to catch up with answers that just ended."""


class HistoryKeeper:
    def __init__(self, say: Callable[[str], None]) -> None:
        """`say(sentence)` shows a problem to the person (called once per distinct problem)."""
        self.history: History | None = None
        """None until opened, and when it cannot be used."""
        self.notice: str | None = None
        """Why the file found was set aside (damaged, newer), once opened."""
        self._say = say
        self._recorders: set[HistoryRecorder] = set()
        """Recorders not closed yet."""
        self._said: set[str] = set()

    def open(self) -> None:
        """Open the history: migrations and crash recovery, milliseconds of CPU (the WAL is not fsynced)."""
        from bytechat_tui.storage import History

        try:
            self.history = History.open()
        except (UserError, OSError, sqlite3.Error) as error:
            self.say(f"{error}. The chat works, but this session is not kept in the history")
            return
        self.notice = self.history.notice

    def recorder(self, room_name: str, conversation_id: int | None = None) -> HistoryRecorder | None:
        """A recorder for a new conversation in `room_name`, or one going on with `conversation_id`."""
        from bytechat_tui.storage.recorder import HistoryRecorder

        if self.history is None:
            return None
        try:
            recorder = HistoryRecorder(self.history.path, room_name, conversation_id)
        except UserError as error:
            self.say(f"{error}. This chat is not kept in the history")
            return None
        self._recorders.add(recorder)
        return recorder

    def owns(self, recorder: object) -> bool:
        return recorder in self._recorders

    def close_recorder(self, recorder: HistoryRecorder) -> None:
        """Write what it has pending and stop it (blocking: call it from a thread)."""
        self._recorders.discard(recorder)
        recorder.close()
        if recorder.problem is not None:
            self.say(recorder.problem)

    def close(self) -> None:
        """Close every recorder, then the history (blocking)."""
        for recorder in list(self._recorders):
            self.close_recorder(recorder)
        if self.history is not None:
            self.history.close()

    def check(self) -> None:
        """Say what the writer threads could not write since the last check."""
        for recorder in list(self._recorders):
            if recorder.problem is not None:
                self.say(recorder.problem)

    def say(self, problem: str) -> None:
        if problem not in self._said:
            self._said.add(problem)
            self._say(problem.rstrip(".") + ".")

    def export(self, conversation: Conversation, form: ExportFormat, directory: Path | None = None) -> Path:
        """Write `conversation` as `bytechat export ID --format FORM` does, to a new private file in
        `directory` (default: the current directory if writable, else `exports/` in the data dir)."""
        from bytechat_tui.storage.export import to_json, to_markdown

        conversation_id = stored_id(conversation)
        if self.history is None or conversation_id is None:
            raise UserError("nothing to export yet: this chat has no message in the history")
        self._wait_until_recorded(self.history, conversation, conversation_id)
        summary = self.history.conversation(conversation_id)
        _room, exchanges = self.history.load_conversation(conversation_id)
        if form == "json":
            text = json.dumps(to_json(summary, exchanges), indent=2, ensure_ascii=False) + "\n"
        else:
            text = to_markdown(summary, exchanges)
        if directory is None:
            directory = Path.cwd() if os.access(Path.cwd(), os.W_OK) else data_dir() / "exports"
        return _write_new(directory, f"bytechat-{conversation_id}-{_slug(summary.title)}", form, text)

    @staticmethod
    def _wait_until_recorded(history: History, conversation: Conversation, conversation_id: int) -> None:
        """Until every answer that ended on screen has ended in the file too: the writer thread is
        a few milliseconds behind at most, and an export right after an answer must hold all of it."""
        ended = {exchange.id for exchange in conversation.exchanges if exchange.state in ENDED}
        deadline = time.monotonic() + RECORDED_WAIT_S
        while time.monotonic() < deadline:
            _room, stored = history.load_conversation(conversation_id)
            if ended <= {exchange.id for exchange in stored if exchange.reply is not None}:
                return
            time.sleep(0.01)


def stored_id(conversation: Conversation) -> int | None:
    """The history's id of `conversation`; None before its first message is kept (or unrecorded)."""
    return getattr(conversation.recorder, "conversation_id", None)


def _slug(title: str) -> str:
    words = re.findall(r"\w+", title.lower())
    return "-".join(words)[:40].strip("-") or "conversation"


def _write_new(directory: Path, stem: str, suffix: str, text: str) -> Path:
    """`directory/stem.suffix`, or `stem-2.suffix`, … : a new file, 0600, never over another."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, 1000):
            path = directory / (f"{stem}.{suffix}" if attempt == 1 else f"{stem}-{attempt}.{suffix}")
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(text)
            return path
    except OSError as error:
        raise UserError(f"could not write the export to {directory} ({error.strerror or error})") from error
    raise UserError(f"could not find a free file name for the export in {directory}")
