"""The history file itself: private modes, a damaged or newer file set aside whole, migrations from v1."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer
from test_conversation import answer, no_key, room_of

from bytechat_tui.conversation import Conversation
from bytechat_tui.errors import UserError
from bytechat_tui.providers.retry import RetryPolicy
from bytechat_tui.storage import History, history_path
from bytechat_tui.storage.migrations import LATEST, migrate
from bytechat_tui.storage.recorder import HistoryRecorder
from bytechat_tui.storage.records import write_end, write_planned


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everyone read everything: the modes must not come from it."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_a_new_history_is_private_whatever_the_umask(open_umask: None) -> None:
    path = history_path()
    History.open().close()
    with LoopbackServer() as server, HistoryRecorder(path, "test") as recorder:
        server.queue(answer("ok"))
        chat = Conversation(room_of(server, server), no_key, policy=RetryPolicy(max_retries=0), recorder=recorder)
        asyncio.run(chat.run(chat.plan("@mini hi")))
        # While a connection is open SQLite keeps its -wal and -shm beside the file.
        wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
        assert (mode(path.parent), mode(path), mode(wal), mode(shm)) == (0o700, 0o600, 0o600, 0o600)
        assert mode(path.with_name(path.name + ".writers")) == 0o700


def test_an_existing_file_open_to_others_is_made_private_and_kept() -> None:
    path = history_path()
    History.open().close()
    path.chmod(0o644)
    with History.open() as history:
        assert history.notice is None
    assert mode(path) == 0o600


def make_v1_history(path: Path, cheap: LoopbackServer, strong: LoopbackServer) -> Conversation:
    """A file of the first schema holding a real conversation, written by the recorder's own writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, target=1)
    chat = Conversation(room_of(cheap, strong), no_key, policy=RetryPolicy(max_retries=0))
    conversation_id = None
    for text in ("What is the capital of Burkina Faso?", "@mini and its population?"):
        exchange = chat.plan(text)
        conversation_id, answer_id = write_planned(connection, conversation_id, "test", exchange, "gone", 1.0)
        asyncio.run(chat.run(exchange))
        assert exchange.reply is not None
        write_end(connection, answer_id, exchange.state.value, exchange.reply, 2.0)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
    assert connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'messages_fts'").fetchone()[0] == 0
    connection.close()
    return chat


def test_a_first_schema_file_is_migrated_with_its_rows_intact_and_searchable() -> None:
    path = history_path()
    with LoopbackServer() as cheap, LoopbackServer() as strong:
        cheap.queue(answer("Ouagadougou."), answer("About 3 million."))
        chat = make_v1_history(path, cheap, strong)
    before = path.read_bytes()

    with History.open() as history:
        assert history.notice is None
        (summary,) = history.conversations()
        _room, exchanges = history.load_conversation(summary.id)
        hits = history.search("ouagadoug")
        assert summary.title == "What is the capital of Burkina Faso?"
    assert [(e.text, e.answer, e.route) for e in exchanges] == [(e.text, e.answer, e.route) for e in chat.exchanges]
    assert summary.spend_usd == pytest.approx(chat.spend_usd)
    assert [(hit.role, hit.exchange) for hit in hits] == [("assistant", 1)]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == LATEST == 2
    assert before != path.read_bytes()  # the same file, migrated in place


GARBAGE = {
    "random bytes": bytes(range(256)) * 64,
    "a text file": b"This is not a database, just notes.\n" * 100,
}


def real_history_bytes() -> bytes:
    with LoopbackServer() as cheap, LoopbackServer() as strong:
        cheap.queue(*(answer(f"Answer number {n}. " * 50) for n in range(40)))
        path = history_path()
        History.open().close()
        with HistoryRecorder(path, "test") as recorder:
            chat = Conversation(room_of(cheap, strong), no_key, policy=RetryPolicy(max_retries=0), recorder=recorder)
            for n in range(40):
                asyncio.run(chat.run(chat.plan(f"@mini question {n}")))
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = path.read_bytes()
    for file in path.parent.iterdir():
        if file.is_file():
            file.unlink()
    return data


@pytest.mark.parametrize("kind", ["random bytes", "a text file", "a truncated history", "a damaged page"])
def test_a_damaged_file_is_moved_aside_whole_and_a_new_history_starts(kind: str) -> None:
    path = history_path()
    if kind == "a truncated history":
        data = real_history_bytes()
        data = data[: len(data) // 2]
    elif kind == "a damaged page":
        data = bytearray(real_history_bytes())
        data[8192:8292] = b"\xff" * 100
        data = bytes(data)
    else:
        data = GARBAGE[kind]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)

    with History.open() as history:
        assert history.notice is not None
        assert "damaged" in history.notice and "a new, empty history was started" in history.notice
        assert history.conversations() == []
    (moved,) = path.parent.glob("history.sqlite3.corrupt-*")
    assert moved.name in history.notice
    assert moved.read_bytes() == data  # never written to, never truncated
    with History.open() as again:
        assert again.notice is None  # the new history is healthy


def test_a_file_from_a_newer_bytechat_is_moved_aside_untouched() -> None:
    path = history_path()
    History.open().close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {LATEST + 5}")
    connection.close()
    data = path.read_bytes()

    with History.open() as history:
        assert history.notice is not None
        assert f"newer bytechat (schema {LATEST + 5}; this one knows up to {LATEST})" in history.notice
        assert "upgrade bytechat and move it back" in history.notice
    (moved,) = path.parent.glob("history.sqlite3.newer-*")
    assert moved.read_bytes() == data
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_a_history_that_cannot_be_created_is_a_sentence() -> None:
    blocker = history_path().parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the data directory should be")
    with pytest.raises(UserError, match="could not open the history"):
        History.open()
