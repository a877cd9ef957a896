"""`History`: the conversations kept in the history file, listed, loaded back, renamed, deleted.

Opening it checks and migrates the file (`database.prepare`) and ends the answers of writers that
died (`recovery.recover`), so whoever opens it next — the chat, `bytechat history`, a test acting
as the next process — sees a crashed answer as cut, never as still streaming.

Reading a conversation back gives `Exchange` objects with their `Route` and `Reply` rebuilt by the
codec, which `Conversation(room, key_for, exchanges=...)` takes to continue it: the same routing
lines and why panels, and the same context for the next message. The routing and provider code
this needs is imported only then, so `bytechat history` and `bytechat stats` start quickly.

The connection may be used from several threads (the chat reads from a worker); a lock keeps
one at a time on it.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bytechat_tui.errors import UserError
from bytechat_tui.storage.database import history_path, prepare
from bytechat_tui.storage.recovery import recover
from bytechat_tui.storage.search import Hit, search
from bytechat_tui.storage.stats import Stats, stats

if TYPE_CHECKING:
    from bytechat_tui.conversation import Exchange


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    id: int
    title: str
    room: str
    created: float
    """Unix seconds."""
    updated: float
    """Unix seconds of the last message or answer: the list is ordered by it, newest first."""
    messages: int
    """The person's messages and the answers (an escalation is one more answer)."""
    spend_usd: float
    saved_usd: float
    """As `Conversation.saved_usd` counts it: each message's tokens on the priciest bot, minus all
    its answers cost, escalations included (so it may be negative)."""
    estimated: bool
    """Some of the money comes from counted, not reported, tokens (`≈`)."""


def local_iso(timestamp: float) -> str:
    """Unix seconds as people and programs both read them: local time with its offset."""
    return datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")


_SUMMARIES = """
    SELECT c.id, c.title, c.room, c.created, c.updated,
           (SELECT count(*) FROM messages WHERE conversation_id = c.id) AS messages,
           coalesce(sum(a.cost_usd), 0) AS spend_usd,
           coalesce(sum(CASE WHEN e.answer_id IS NULL THEN a.priciest_cost_usd ELSE 0 END), 0)
               - coalesce(sum(a.cost_usd), 0) AS saved_usd,
           coalesce(max(a.estimated), 0) AS estimated
    FROM conversations c
    LEFT JOIN messages m ON m.conversation_id = c.id AND m.role = 'assistant'
    LEFT JOIN answers a ON a.message_id = m.id
    LEFT JOIN escalations e ON e.answer_id = a.message_id
"""

_EXCHANGES = """
    SELECT m.exchange, m.text AS answer, m.bot AS bot_name, u.text AS question, d.route,
           original.exchange AS escalation_of, a.*
    FROM messages m
    JOIN answers a ON a.message_id = m.id
    JOIN decisions d ON d.id = a.decision_id
    JOIN messages u ON u.id = d.message_id
    LEFT JOIN escalations e ON e.answer_id = m.id
    LEFT JOIN messages original ON original.id = e.escalates
    WHERE m.conversation_id = ? AND m.role = 'assistant'
    ORDER BY m.exchange
"""


class History:
    def __init__(self, path: Path, connection: sqlite3.Connection, notice: str | None) -> None:
        self.path = path
        self.notice = notice
        """Set when the file found was damaged or newer and was moved aside: say it to the person."""
        self._connection = connection
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path | None = None) -> History:
        """The history at `path` (default: `history.sqlite3` in the data dir), created when absent."""
        path = path or history_path()
        connection, notice = prepare(path)
        try:
            recover(connection, path)
        except BaseException:
            connection.close()
            raise
        return cls(path, connection, notice)

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def conversations(self, limit: int | None = None) -> list[ConversationSummary]:
        """Newest (last updated) first."""
        rows = self._query(f"{_SUMMARIES} GROUP BY c.id ORDER BY c.updated DESC, c.id DESC LIMIT ?", (limit or -1,))
        return [_summary(row) for row in rows]

    def conversation(self, conversation_id: int) -> ConversationSummary:
        rows = self._query(f"{_SUMMARIES} WHERE c.id = ? GROUP BY c.id", (conversation_id,))
        if not rows:
            raise self._unknown(conversation_id)
        return _summary(rows[0])

    def load_conversation(self, conversation_id: int) -> tuple[str, list[Exchange]]:
        """The room's name and the exchanges, in order, ready for `Conversation(..., exchanges=...)`."""
        from bytechat_tui.storage.codec import exchange_from_row

        room = self.conversation(conversation_id).room
        return room, [exchange_from_row(row) for row in self._query(_EXCHANGES, (conversation_id,))]

    def rename(self, conversation_id: int, title: str) -> None:
        title = re.sub(r"\s+", " ", title).strip()
        if not title:
            raise UserError("a conversation's title cannot be empty")
        if self._write("UPDATE conversations SET title = ? WHERE id = ?", (title, conversation_id)) == 0:
            raise self._unknown(conversation_id)

    def delete(self, conversation_id: int) -> None:
        """The conversation, its messages, decisions, answers and escalations; the search index follows."""
        if self._write("DELETE FROM conversations WHERE id = ?", (conversation_id,)) == 0:
            raise self._unknown(conversation_id)

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Messages matching what the person typed (see `search.py` for the rules), best first."""
        with self._lock:
            return search(self._connection, query, limit)

    def stats(self, days: int) -> Stats:
        """Spend, savings and escalations over the last `days` days."""
        with self._lock:
            return stats(self._connection, days)

    def _query(self, sql: str, parameters: tuple[Any, ...]) -> list[sqlite3.Row]:
        with self._lock:
            return self._connection.execute(sql, parameters).fetchall()

    def _write(self, sql: str, parameters: tuple[Any, ...]) -> int:
        with self._lock:
            return self._connection.execute(sql, parameters).rowcount

    @staticmethod
    def _unknown(conversation_id: int) -> UserError:
        return UserError(f"there is no conversation {conversation_id} in the history; `bytechat history` lists them")


def _summary(row: sqlite3.Row) -> ConversationSummary:
    return ConversationSummary(
        id=row["id"],
        title=row["title"],
        room=row["room"],
        created=row["created"],
        updated=row["updated"],
        messages=row["messages"],
        spend_usd=row["spend_usd"],
        saved_usd=row["saved_usd"],
        estimated=bool(row["estimated"]),
    )
