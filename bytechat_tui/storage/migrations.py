"""The history schema, as numbered migrations; the number reached is `PRAGMA user_version`.

A migration, once released, never changes: a person's file was built by exactly those statements,
and the next ones are written against them. Each runs in one `BEGIN IMMEDIATE` transaction with
the version bump, so a crash mid-migration leaves the previous version whole, and two processes
starting at once (the chat and a `bytechat ask`) cannot both apply it.

The tables, in the words of PRODUCT.md:
- conversations: a title (from the first message, renameable), the room, created and updated times.
- messages: the user's messages and the answers' text, each tied to the exchange (`Exchange.id`)
  that brought it; an escalation adds an answer to the message it re-asks, not a new message.
- decisions: how a message was routed, one per answer: the whole route as JSON (the why panel is
  rebuilt from it) and, for queries and curious people, the reasons, the chosen, runner-up,
  strongest and priciest bots with their estimates.
- answers: the reply of each answer message: state, usage, cost (and whether estimated), saving,
  the error sentence, failovers, and `writer`, the process streaming it while it is unfinished.
- escalations: which answer re-asked which.
Times are Unix seconds (REAL); money is US dollars (REAL).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bytechat_tui.storage.transactions import transaction


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    purpose: str
    statements: tuple[str, ...]


FIRST_SCHEMA = Migration(
    1,
    "conversations, messages, routing decisions, answers, escalations",
    (
        """CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            room TEXT NOT NULL,
            created REAL NOT NULL,
            updated REAL NOT NULL
        )""",
        "CREATE INDEX conversations_by_update ON conversations (updated)",
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            exchange INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            text TEXT NOT NULL,
            bot TEXT,
            model TEXT,
            created REAL NOT NULL,
            UNIQUE (conversation_id, exchange, role)
        )""",
        """CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
            route TEXT NOT NULL,
            reasons TEXT NOT NULL,
            why TEXT NOT NULL,
            chosen TEXT NOT NULL,
            chosen_cost_usd REAL NOT NULL,
            runner_up TEXT,
            runner_up_cost_usd REAL,
            strongest TEXT NOT NULL,
            strongest_cost_usd REAL NOT NULL,
            priciest TEXT NOT NULL,
            priciest_cost_usd REAL NOT NULL
        )""",
        "CREATE INDEX decisions_by_message ON decisions (message_id)",
        """CREATE TABLE answers (
            message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
            decision_id INTEGER NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
            state TEXT NOT NULL
                CHECK (state IN ('queued', 'streaming', 'done', 'cut', 'failed', 'cancelled')),
            reasoning TEXT NOT NULL DEFAULT '',
            provider TEXT NOT NULL,
            input_tokens INTEGER,
            output_tokens INTEGER,
            cache_read_tokens INTEGER,
            cache_write_tokens INTEGER,
            reasoning_tokens INTEGER,
            provider_cost_usd REAL,
            cost_usd REAL NOT NULL DEFAULT 0,
            priciest_cost_usd REAL NOT NULL DEFAULT 0,
            saving_usd REAL NOT NULL DEFAULT 0,
            saving_share REAL NOT NULL DEFAULT 0,
            estimated INTEGER NOT NULL DEFAULT 0,
            cut INTEGER NOT NULL DEFAULT 0,
            finish_reason TEXT,
            finish_raw TEXT,
            error_kind TEXT,
            error TEXT,
            error_bot TEXT,
            error_status INTEGER,
            error_retry_after REAL,
            failovers TEXT NOT NULL DEFAULT '[]',
            writer TEXT,
            updated REAL NOT NULL
        )""",
        "CREATE INDEX answers_by_decision ON answers (decision_id)",
        "CREATE INDEX answers_being_written ON answers (writer) WHERE writer IS NOT NULL",
        """CREATE TABLE escalations (
            answer_id INTEGER PRIMARY KEY REFERENCES answers (message_id) ON DELETE CASCADE,
            escalates INTEGER NOT NULL REFERENCES answers (message_id) ON DELETE CASCADE
        )""",
        "CREATE INDEX escalations_by_original ON escalations (escalates)",
    ),
)

FULL_TEXT_SEARCH = Migration(
    2,
    "full-text search over every message (FTS5), existing messages included",
    (
        # External content: the text lives once, in `messages`; triggers keep the index in step.
        # `prefix` indexes let a word being typed ("pyth") match at the cost of a bigger index.
        """CREATE VIRTUAL TABLE messages_fts USING fts5(
            text, content='messages', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3'
        )""",
        """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
        END""",
        """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END""",
        """CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
        END""",
        "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
    ),
)

MIGRATIONS = (FIRST_SCHEMA, FULL_TEXT_SEARCH)
LATEST = MIGRATIONS[-1].version


def schema_version(connection: sqlite3.Connection) -> int:
    return connection.execute("PRAGMA user_version").fetchone()[0]


def migrate(connection: sqlite3.Connection, target: int = LATEST) -> None:
    """Bring the schema up to `target` (tests build old files with a lower one).

    The connection must be in autocommit mode (`isolation_level=None`): transactions are explicit.
    """
    for migration in MIGRATIONS:
        if migration.version > target or schema_version(connection) >= migration.version:
            continue
        with transaction(connection):
            # Read again under the write lock: another process may have migrated meanwhile.
            if schema_version(connection) < migration.version:
                for statement in migration.statements:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {migration.version:d}")
