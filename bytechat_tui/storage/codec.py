"""Routes, assessments, bots and replies as JSON-ready dicts, and back, without losing anything.

A resumed answer must show the same routing line and the same why panel it showed when it was
streamed, so a decoded `Route` is *equal* to the one encoded (the dataclasses compare by value,
floats survive JSON exactly), not merely similar. A route names each of its bots once, in
`options`; the chosen, runner-up, strongest, priciest and capable options refer to them by
position, as the router picked them from that very list.

The routing classes are imported where a route is decoded: the recorder brings this module in
before the chat's first screen, which the routing code is not needed for.
"""

from __future__ import annotations

import json
from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any

from bytechat_tui.conversation import Exchange, ExchangeState
from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.providers.errors import ErrorKind, ProviderError
from bytechat_tui.providers.events import Finish, Usage
from bytechat_tui.replies import Reply
from bytechat_tui.room import Bot

if TYPE_CHECKING:
    from bytechat_tui.routing.classifier import Assessment
    from bytechat_tui.routing.router import Option, Route

Json = dict[str, Any]

USAGE_FIELDS = tuple(field.name for field in fields(Usage))
UNFINISHED = frozenset({"queued", "streaming"})
"""Stored states of an answer its writer has not ended yet: it has no reply."""

# Encoded field by field rather than with `dataclasses.asdict`, which deep-copies and costs ~4x
# as much: a route is encoded while the person's message waits to be sent.
_BOT_FIELDS = tuple(field.name for field in fields(Bot))
_PRICE_FIELDS = tuple(field.name for field in fields(Prices))


@cache
def _assessment_fields() -> tuple[str, ...]:
    from bytechat_tui.routing.classifier import Assessment

    return tuple(field.name for field in fields(Assessment))


def bot_to_json(bot: Bot) -> Json:
    data = {name: getattr(bot, name) for name in _BOT_FIELDS}
    data["prices"] = {name: getattr(bot.prices, name) for name in _PRICE_FIELDS}
    data["tags"] = sorted(bot.tags)
    return data


def bot_from_json(data: Json) -> Bot:
    prices = Prices(**_known(data["prices"], _PRICE_FIELDS))
    return Bot(**{**_known(data, _BOT_FIELDS), "prices": prices, "tags": frozenset(data["tags"])})


def assessment_to_json(assessment: Assessment) -> Json:
    data = {name: getattr(assessment, name) for name in _assessment_fields()}
    data["needed_tags"] = sorted(assessment.needed_tags)
    data["reasons"] = list(assessment.reasons)
    return data


def assessment_from_json(data: Json) -> Assessment:
    from bytechat_tui.routing.classifier import Assessment

    known = _known(data, _assessment_fields())
    return Assessment(**{**known, "needed_tags": frozenset(data["needed_tags"]), "reasons": tuple(data["reasons"])})


def _known(data: Json, names: tuple[str, ...]) -> Json:
    """The fields this version has: a field added later with a default is filled in when an older
    row lacks it, and one a newer version wrote (same schema, richer dataclass) is left aside."""
    return {name: data[name] for name in names if name in data}


def route_to_json(route: Route) -> Json:
    options = list(route.options)

    def position(option: Option | None) -> int | None:
        # The router picks every other option from `options`; a room's bot names are unique.
        return None if option is None else options.index(option)

    return {
        "options": [{"bot": bot_to_json(option.bot), "cost_usd": option.cost_usd} for option in options],
        "chosen": position(route.chosen),
        "runner_up": position(route.runner_up),
        "strongest": position(route.strongest),
        "priciest": position(route.priciest),
        "capable": [position(option) for option in route.capable],
        "why": route.why,
        "forced": route.forced,
        "assessment": assessment_to_json(route.assessment),
    }


def route_from_json(data: Json) -> Route:
    from bytechat_tui.routing.router import Option, Route

    options = tuple(Option(bot_from_json(item["bot"]), item["cost_usd"]) for item in data["options"])
    runner_up = data["runner_up"]
    return Route(
        chosen=options[data["chosen"]],
        runner_up=None if runner_up is None else options[runner_up],
        strongest=options[data["strongest"]],
        priciest=options[data["priciest"]],
        capable=tuple(options[index] for index in data["capable"]),
        options=options,
        why=data["why"],
        assessment=assessment_from_json(data["assessment"]),
        forced=data["forced"],
    )


def reply_to_columns(reply: Reply) -> Json:
    """A reply as the columns of its `answers` row (the bot is named by the message row).

    Usage columns are all NULL when no usage was known, so "nothing billed" stays distinct from
    "zero tokens"; the failover notes are a JSON list.
    """
    usage = reply.usage
    error = reply.error
    return {
        **{name: None if usage is None else getattr(usage, name) for name in USAGE_FIELDS},
        "cost_usd": reply.cost_usd,
        "priciest_cost_usd": reply.priciest_cost_usd,
        "saving_usd": reply.saving_usd,
        "saving_share": reply.saving_share,
        "estimated": reply.estimated,
        "cut": reply.cut,
        "finish_reason": None if reply.finish is None else reply.finish.reason,
        "finish_raw": None if reply.finish is None else reply.finish.raw,
        "error_kind": None if error is None else error.kind.value,
        "error": None if error is None else error.message,
        "error_bot": None if error is None else error.bot,
        "error_status": None if error is None else error.status,
        "error_retry_after": None if error is None else error.retry_after,
        "failovers": json.dumps(list(reply.failovers), ensure_ascii=False),
    }


def reply_from_columns(columns: Any, route: Route, bot_name: str, text: str, reasoning: str) -> Reply:
    """The reply an `answers` row (any mapping of `reply_to_columns`' keys) holds.

    The answering bot is looked up among the route's options by name: a reply always comes from
    the chosen bot or a capable one failed over to, all of them options of its route.
    """
    bot = next(option.bot for option in route.options if option.bot.name == bot_name)
    usage = None
    if columns["input_tokens"] is not None:
        usage = Usage(**{name: columns[name] for name in USAGE_FIELDS})
    finish = None if columns["finish_reason"] is None else Finish(columns["finish_reason"], columns["finish_raw"])
    error = None
    if columns["error_kind"] is not None:
        error = ProviderError(
            ErrorKind(columns["error_kind"]),
            columns["error"],
            bot=columns["error_bot"],
            status=columns["error_status"],
            retry_after=columns["error_retry_after"],
        )
    return Reply(
        bot=bot,
        text=text,
        reasoning=reasoning,
        usage=usage,
        finish=finish,
        cost_usd=columns["cost_usd"],
        priciest=route.priciest.bot,
        priciest_cost_usd=columns["priciest_cost_usd"],
        saving_usd=columns["saving_usd"],
        saving_share=columns["saving_share"],
        estimated=bool(columns["estimated"]),
        error=error,
        cut=bool(columns["cut"]),
        failovers=tuple(json.loads(columns["failovers"])),
    )


def stored_state(exchange: Exchange) -> str:
    """The state column: an exchange stopped before any of its answer arrived is "cancelled".

    In memory that is a CUT exchange with no text (the routing line says "stopped before the answer
    began"); stored apart so that stats can tell a stopped request from a cut answer.
    """
    if exchange.state is ExchangeState.CUT and not (exchange.answer or exchange.reasoning):
        return "cancelled"
    return exchange.state.value


def exchange_from_row(row: Any) -> Exchange:
    """An exchange from a row of an answer joined with its message, question, decision and escalation."""
    route = route_from_json(json.loads(row["route"]))
    state = row["state"]
    reply = None
    if state not in UNFINISHED:
        reply = reply_from_columns(row, route, row["bot_name"], row["answer"], row["reasoning"])
    return Exchange(
        id=row["exchange"],
        text=row["question"],
        route=route,
        escalation_of=row["escalation_of"],
        state=ExchangeState.CUT if state == "cancelled" else ExchangeState(state),
        answer=row["answer"],
        reasoning=row["reasoning"],
        reply=reply,
    )
