"""The writes that keep a conversation: a planned exchange, its partial answer, its end.

Plain functions of a connection, called by the recorder's writer thread (and by crash recovery for
the end of an answer whose writer died), each one short transaction. They write only tables of the
first schema, so the oldest file a migration starts from can be filled by them too.
"""

from __future__ import annotations

import json
import re
import sqlite3

from bytechat_tui.conversation import Exchange
from bytechat_tui.replies import Reply
from bytechat_tui.room import Bot
from bytechat_tui.storage.codec import reply_to_columns, route_to_json, stored_state
from bytechat_tui.storage.transactions import transaction

TITLE_LENGTH = 60


def title_for(text: str) -> str:
    """A conversation's title from its first message: the first non-blank line, whitespace folded, cut."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    title = re.sub(r"\s+", " ", line).strip()
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1].rstrip() + "…"


def write_planned(
    connection: sqlite3.Connection, conversation_id: int | None, room: str, exchange: Exchange, writer: str, now: float
) -> tuple[int, int]:
    """Store a routed message (or an escalation of an earlier one) before it is sent.

    The conversation (when `conversation_id` is None: a new one, titled by this message), the user's
    message, the routing decision and an empty answer row owned by `writer` are written in one
    transaction, so a crash leaves either all of them or none. Returns the conversation's id and
    the answer's row id.
    """
    route = exchange.route
    chosen = route.chosen.bot
    runner_up = route.runner_up
    # Encoded before the transaction: the write lock is held for the INSERTs only.
    encoded = json.dumps(route_to_json(route), ensure_ascii=False)
    reasons = json.dumps(list(route.assessment.reasons), ensure_ascii=False)
    with transaction(connection):
        if conversation_id is None:
            conversation_id = connection.execute(
                "INSERT INTO conversations (title, room, created, updated) VALUES (?, ?, ?, ?)",
                (title_for(exchange.text), room, now, now),
            ).lastrowid
            assert conversation_id is not None
        if exchange.escalation_of is None:
            message_id = _insert_message(connection, conversation_id, exchange.id, "user", exchange.text, None, now)
            escalates = None
        else:
            message_id = _message_id(connection, conversation_id, exchange.escalation_of, "user")
            escalates = _message_id(connection, conversation_id, exchange.escalation_of, "assistant")
        decision = connection.execute(
            """INSERT INTO decisions (message_id, route, reasons, why, chosen, chosen_cost_usd, runner_up,
                   runner_up_cost_usd, strongest, strongest_cost_usd, priciest, priciest_cost_usd)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                message_id,
                encoded,
                reasons,
                route.why,
                chosen.name,
                route.chosen.cost_usd,
                None if runner_up is None else runner_up.bot.name,
                None if runner_up is None else runner_up.cost_usd,
                route.strongest.bot.name,
                route.strongest.cost_usd,
                route.priciest.bot.name,
                route.priciest.cost_usd,
            ),
        ).lastrowid
        answer_id = _insert_message(connection, conversation_id, exchange.id, "assistant", "", chosen, now)
        connection.execute(
            """INSERT INTO answers (message_id, decision_id, state, provider, writer, updated)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (answer_id, decision, stored_state(exchange), chosen.provider, writer, now),
        )
        if escalates is not None:
            connection.execute("INSERT INTO escalations (answer_id, escalates) VALUES (?, ?)", (answer_id, escalates))
        connection.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id))
    return conversation_id, answer_id


def write_progress(connection: sqlite3.Connection, answer_id: int, text: str, reasoning: str, now: float) -> None:
    with transaction(connection):
        connection.execute("UPDATE messages SET text = ? WHERE id = ?", (text, answer_id))
        connection.execute(
            "UPDATE answers SET state = 'streaming', reasoning = ?, updated = ? WHERE message_id = ?",
            (reasoning, now, answer_id),
        )


def write_end(connection: sqlite3.Connection, answer_id: int, state: str, reply: Reply, now: float) -> None:
    """The final text, the reply's usage, cost, error and failovers; the answer no longer has a writer."""
    columns = reply_to_columns(reply)
    assignments = ", ".join(f"{name} = :{name}" for name in columns)
    with transaction(connection):
        connection.execute(
            "UPDATE messages SET text = :text, bot = :bot, model = :model WHERE id = :id",
            {"text": reply.text, "bot": reply.bot.name, "model": reply.bot.model, "id": answer_id},
        )
        connection.execute(
            f"""UPDATE answers SET {assignments}, state = :state, reasoning = :reasoning, provider = :provider,
                   writer = NULL, updated = :updated WHERE message_id = :id""",
            {
                **columns,
                "state": state,
                "reasoning": reply.reasoning,
                "provider": reply.bot.provider,
                "updated": now,
                "id": answer_id,
            },
        )
        connection.execute(
            "UPDATE conversations SET updated = ? WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)",
            (now, answer_id),
        )


def _insert_message(
    connection: sqlite3.Connection,
    conversation_id: int,
    exchange: int,
    role: str,
    text: str,
    bot: Bot | None,
    now: float,
) -> int:
    name, model = (None, None) if bot is None else (bot.name, bot.model)
    cursor = connection.execute(
        """INSERT INTO messages (conversation_id, exchange, role, text, bot, model, created)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (conversation_id, exchange, role, text, name, model, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _message_id(connection: sqlite3.Connection, conversation_id: int, exchange: int, role: str) -> int:
    row = connection.execute(
        "SELECT id FROM messages WHERE conversation_id = ? AND exchange = ? AND role = ?",
        (conversation_id, exchange, role),
    ).fetchone()
    return row[0]
