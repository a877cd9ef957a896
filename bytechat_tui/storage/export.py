"""A conversation exported: Markdown for people, JSON for programs.

Markdown opens with a YAML front matter of totals (spend, what the priciest bot would have cost,
the saving, tokens) and gives under each answer the bot, tokens, cost and saving, as the chat's
routing line does. JSON holds everything the history does: each route in the codec's form (the
why panel can be rebuilt from it) and each reply's usage, money, state, error and failovers.

Neither ever holds a key: keys are never stored in the history (requests are not kept, and error
sentences are scrubbed of anything key-shaped before they are shown, hence before they are kept),
and an export is made of the stored conversation only.
"""

from __future__ import annotations

import json
from typing import Any

from bytechat_tui.conversation import Exchange
from bytechat_tui.pricing.cost import usd
from bytechat_tui.replies import Reply
from bytechat_tui.storage.codec import USAGE_FIELDS, reply_to_columns, route_to_json, stored_state
from bytechat_tui.storage.history import ConversationSummary, local_iso

FORMAT_VERSION = 1


def totals(summary: ConversationSummary, exchanges: list[Exchange]) -> dict[str, Any]:
    """Tokens in are everything sent (cache reads and writes included); money as the history counts it."""
    usages = [e.reply.usage for e in exchanges if e.reply is not None and e.reply.usage is not None]
    return {
        "messages": sum(1 for e in exchanges if e.escalation_of is None),
        "answers": len(exchanges),
        "escalations": sum(1 for e in exchanges if e.escalation_of is not None),
        "input_tokens": sum(u.input_tokens + u.cache_read_tokens + u.cache_write_tokens for u in usages),
        "output_tokens": sum(u.output_tokens for u in usages),
        "spend_usd": round(summary.spend_usd, 10),
        "priciest_equivalent_usd": round(summary.spend_usd + summary.saved_usd, 10),
        "saved_usd": round(summary.saved_usd, 10),
        "estimated": summary.estimated,
    }


def to_json(summary: ConversationSummary, exchanges: list[Exchange]) -> dict[str, Any]:
    return {
        "bytechat_export": FORMAT_VERSION,
        "conversation": {
            "id": summary.id,
            "title": summary.title,
            "room": summary.room,
            "created": local_iso(summary.created),
            "updated": local_iso(summary.updated),
        },
        "totals": totals(summary, exchanges),
        "exchanges": [
            {
                "id": exchange.id,
                "message": exchange.text,
                "escalation_of": exchange.escalation_of,
                "state": stored_state(exchange),
                "answer": exchange.answer,
                "reasoning": exchange.reasoning,
                "route": route_to_json(exchange.route),
                "reply": None if exchange.reply is None else _reply_json(exchange.reply),
            }
            for exchange in exchanges
        ],
    }


def to_markdown(summary: ConversationSummary, exchanges: list[Exchange]) -> str:
    front = {
        "title": summary.title,
        "conversation": summary.id,
        "room": summary.room,
        "created": local_iso(summary.created),
        "updated": local_iso(summary.updated),
        **totals(summary, exchanges),
    }
    # JSON scalars are YAML scalars: strings quoted and escaped, numbers and booleans as they are.
    lines = ["---", *(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()), "---", ""]
    lines += [f"# {summary.title}", ""]
    for exchange in exchanges:
        if exchange.escalation_of is None:
            lines += ["## You", "", exchange.text, ""]
        lines += [f"## {_answer_heading(exchange)}", ""]
        if exchange.answer:
            lines += [exchange.answer, ""]
        lines += [f"*{_answer_line(exchange)}*", ""]
    return "\n".join(lines)


def _answer_heading(exchange: Exchange) -> str:
    name = exchange.bot.display_name or exchange.bot.name
    return f"{name} (escalated: the message above re-asked with r)" if exchange.escalation_of else name


def _answer_line(exchange: Exchange) -> str:
    """`mini · tier 1 · 312→148 tokens · $0.0003 · saved $0.0041 (93%) vs opus`, and how it ended.

    The why of the route is left to the JSON export: Markdown says what was paid and saved.
    """
    reply = exchange.reply
    if reply is None:
        return f"{exchange.bot.name} · unfinished ({exchange.state.value})"
    parts = [reply.bot.name, f"tier {reply.bot.tier}"]
    usage = reply.usage
    if usage is not None:
        approx = "≈" if reply.estimated else ""
        prompt = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
        parts += [f"{approx}{prompt:,}→{approx}{usage.output_tokens:,} tokens", f"{approx}{usd(reply.cost_usd)}"]
        if reply.priciest.name == reply.bot.name:
            parts.append("the priciest bot")
        else:
            parts.append(f"saved {approx}{usd(reply.saving_usd)} ({reply.saving_share:.0%}) vs {reply.priciest.name}")
    state = stored_state(exchange)
    if state != "done":
        parts.append(state + ("" if reply.error is None else f": {reply.error}"))
    return " · ".join(parts + list(reply.failovers))


def _reply_json(reply: Reply) -> dict[str, Any]:
    """The reply's stored columns, with its usage as one object (null when nothing was billed)."""
    columns = reply_to_columns(reply)
    usage = None if reply.usage is None else {name: columns[name] for name in USAGE_FIELDS}
    rest = {name: value for name, value in columns.items() if name not in USAGE_FIELDS}
    return {
        "bot": reply.bot.name,
        "model": reply.bot.model,
        "provider": reply.bot.provider,
        "usage": usage,
        **rest,
        "failovers": list(reply.failovers),
    }
