"""What routing saved: spend against the priciest bot per day and by bot, and how often `r` was pressed.

Savings are counted as the session counts them (`Conversation.saved_usd`): each typed message's
tokens on its room's priciest bot, minus what all its answers cost, escalations included. Only
token counts that were really reported or counted feed them (PRODUCT.md, "Money"); an answer still
streaming counts for nothing yet.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    answers: int
    spend_usd: float
    priciest_usd: float
    """The same tokens on the priciest bot, for the typed messages answered that day."""

    @property
    def saved_usd(self) -> float:
        return self.priciest_usd - self.spend_usd


@dataclass(frozen=True, slots=True)
class BotUse:
    bot: str
    model: str
    provider: str
    answers: int
    input_tokens: int
    output_tokens: int
    spend_usd: float
    estimated: bool
    """Some of its tokens were counted by us, not reported."""


@dataclass(frozen=True, slots=True)
class Stats:
    days: tuple[Day, ...]
    """Every day of the window, oldest first, quiet ones included (a chart needs the gaps)."""
    bots: tuple[BotUse, ...]
    """Most spent first."""
    messages: int
    """Typed messages answered (or failed, or stopped): escalations are counted apart."""
    escalations: int
    priciest_bots: tuple[str, ...]
    """The priciest bots savings were measured against, most used first."""

    @property
    def spend_usd(self) -> float:
        return sum(day.spend_usd for day in self.days)

    @property
    def priciest_usd(self) -> float:
        return sum(day.priciest_usd for day in self.days)

    @property
    def saved_usd(self) -> float:
        return self.priciest_usd - self.spend_usd

    @property
    def escalation_rate(self) -> float:
        """Escalations per typed message; 0 without messages."""
        return self.escalations / self.messages if self.messages else 0.0


_ENDED_ANSWERS = """
    FROM answers a
    JOIN messages m ON m.id = a.message_id
    JOIN decisions d ON d.id = a.decision_id
    LEFT JOIN escalations e ON e.answer_id = a.message_id
    WHERE a.state NOT IN ('queued', 'streaming') AND m.created >= :since
"""


def stats(connection: sqlite3.Connection, days: int) -> Stats:
    """The last `days` days, today included, in local time."""
    first = date.today() - timedelta(days=max(1, days) - 1)
    window = {"since": datetime.combine(first, datetime.min.time()).timestamp()}
    per_day = {
        row[0]: row[1:]
        for row in connection.execute(
            f"""SELECT date(m.created, 'unixepoch', 'localtime'), count(*), sum(a.cost_usd),
                       sum(CASE WHEN e.answer_id IS NULL THEN a.priciest_cost_usd ELSE 0 END)
                {_ENDED_ANSWERS} GROUP BY 1""",
            window,
        )
    }
    calendar = [first + timedelta(days=offset) for offset in range((date.today() - first).days + 1)]
    day_rows = tuple(Day(day, *per_day.get(day.isoformat(), (0, 0.0, 0.0))) for day in calendar)
    bots = tuple(
        BotUse(bot, model, provider, answers, tokens_in, tokens_out, spend, bool(estimated))
        for bot, model, provider, answers, tokens_in, tokens_out, spend, estimated in connection.execute(
            f"""SELECT m.bot, m.model, a.provider, count(*), coalesce(sum(a.input_tokens), 0),
                       coalesce(sum(a.output_tokens), 0), sum(a.cost_usd), max(a.estimated)
                {_ENDED_ANSWERS} GROUP BY m.bot, m.model, a.provider ORDER BY 7 DESC, 4 DESC""",
            window,
        )
    )
    messages, escalations = connection.execute(
        f"SELECT count(*) - count(e.answer_id), count(e.answer_id) {_ENDED_ANSWERS}", window
    ).fetchone()
    priciest = tuple(
        row[0]
        for row in connection.execute(
            f"SELECT d.priciest {_ENDED_ANSWERS} AND e.answer_id IS NULL GROUP BY d.priciest ORDER BY count(*) DESC",
            window,
        )
    )
    return Stats(day_rows, bots, messages, escalations, priciest)
