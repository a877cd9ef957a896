"""What an answer whose writer died becomes: cut (with what reached the disk) or cancelled.

A recovered answer keeps the text that reached the disk (at most ~0.5 s behind the stream). With
text it becomes "cut", priced like any cut answer: the route's estimate of what was sent, the
tokens of what arrived, marked estimated (`≈`). Without any, "cancelled". Either way the error
sentence says bytechat stopped, so no one mistakes it for an Esc or a provider's fault.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import TYPE_CHECKING

from bytechat_tui.providers.errors import ErrorKind, ProviderError
from bytechat_tui.replies import Reply, counted_usage, priced_reply
from bytechat_tui.storage.codec import route_from_json
from bytechat_tui.storage.records import write_end

if TYPE_CHECKING:
    from bytechat_tui.routing.router import Route

STOPPED = "bytechat stopped before this answer ended (it was closed, killed or crashed)"


def end_abandoned(connection: sqlite3.Connection, writer: str) -> None:
    """End every answer `writer` left unfinished, as cut (some text arrived) or cancelled (none)."""
    rows = connection.execute(
        """SELECT a.message_id, m.text, a.reasoning, d.route FROM answers a
               JOIN messages m ON m.id = a.message_id JOIN decisions d ON d.id = a.decision_id
           WHERE a.writer = ?""",
        (writer,),
    ).fetchall()
    for answer_id, text, reasoning, route_json in rows:
        reply = abandoned_reply(route_from_json(json.loads(route_json)), text, reasoning)
        write_end(connection, answer_id, "cut" if reply.usage is not None else "cancelled", reply, time.time())


def abandoned_reply(route: Route, text: str, reasoning: str) -> Reply:
    """A cut reply from what was kept of an answer, priced as `Asking` prices a cut one.

    The bot is the route's choice: a failover the writer saw is not kept until the answer ends.
    """
    bot = route.chosen.bot
    usage = counted_usage(bot, route.assessment.input_tokens, text, reasoning) if text or reasoning else None
    return priced_reply(
        bot,
        route.priciest.bot,
        text,
        reasoning,
        usage,
        finish=None,
        estimated=usage is not None,
        error=ProviderError(ErrorKind.CONNECTION, STOPPED, bot=bot.name),
        cut=usage is not None,
        failovers=(),
    )
