"""`route`: the cheapest capable bot of a room for an assessed message, and what it saves.

The rule (PRODUCT.md): capable = tier at least the needed tier, every needed tag, and the request
plus its expected answer fit the context window. Among the capable, the cheapest estimated cost
of this very request wins; ties go to the higher tier. With no capable bot, the strongest answers
and the route says so. The strongest bot (highest tier, ties to the priciest) is what `r` re-asks;
the priciest bot is what savings are measured against.
"""

from __future__ import annotations

from dataclasses import dataclass

from bytechat_tui.errors import UserError
from bytechat_tui.pricing.cost import request_cost
from bytechat_tui.room import Bot, Room
from bytechat_tui.routing.classifier import Assessment


@dataclass(frozen=True, slots=True)
class Option:
    bot: Bot
    cost_usd: float
    """Estimated cost of this request (input tokens + expected answer) on this bot."""


@dataclass(frozen=True, slots=True)
class Route:
    chosen: Option
    runner_up: Option | None
    """The next cheapest capable bot: where a failover would go."""
    strongest: Option
    priciest: Option
    capable: tuple[Option, ...]
    """Every capable bot, cheapest first."""
    options: tuple[Option, ...]
    """Every enabled bot of the room with its estimated cost, in room order."""
    why: str
    """"cheapest capable", "forced by @name" or "no bot is capable: strongest"."""
    assessment: Assessment
    forced: bool = False
    """The bot was named (`@name`, `--bot`, an escalation): it answers or fails, no other stands in."""

    @property
    def saving_usd(self) -> float:
        return max(0.0, self.priciest.cost_usd - self.chosen.cost_usd)

    @property
    def saving_share(self) -> float:
        """Saving as a share of the priciest bot's cost (0 when that is free)."""
        return self.saving_usd / self.priciest.cost_usd if self.priciest.cost_usd > 0 else 0.0


def _fits(bot: Bot, assessment: Assessment) -> bool:
    answer = min(assessment.output_tokens, bot.max_output) if bot.max_output else assessment.output_tokens
    return assessment.input_tokens + answer <= bot.context_window


def is_capable(bot: Bot, assessment: Assessment) -> bool:
    return bot.tier >= assessment.needed_tier and assessment.needed_tags <= bot.tags and _fits(bot, assessment)


def route(assessment: Assessment, room: Room, forced: str | None = None) -> Route:
    """Choose a bot of `room` for `assessment`; `forced` is a bot name given as `@name`."""
    options = [
        Option(bot, request_cost(bot.prices, assessment.input_tokens, assessment.output_tokens))
        for bot in room.bots
        if bot.enabled
    ]
    if not options:
        raise UserError(f'room "{room.name}" has no enabled bot; enable one or add one to the room in config.toml')
    strongest = max(options, key=lambda option: (option.bot.tier, option.cost_usd))
    priciest = max(options, key=lambda option: (option.cost_usd, option.bot.tier))
    capable = sorted(
        (option for option in options if is_capable(option.bot, assessment)),
        key=lambda option: (option.cost_usd, -option.bot.tier),
    )
    if forced is not None:
        match = next((option for option in options if option.bot.name == forced), None)
        if match is None:
            names = ", ".join(option.bot.name for option in options)
            raise UserError(f'no enabled bot "{forced}" in room "{room.name}"; its bots are: {names}')
        chosen, why = match, f"forced by @{forced}"
    elif capable:
        chosen, why = capable[0], "cheapest capable"
    else:
        chosen, why = strongest, "no bot is capable: strongest"
    runner_up = next((option for option in capable if option.bot.name != chosen.bot.name), None)
    return Route(
        chosen=chosen,
        runner_up=runner_up,
        strongest=strongest,
        priciest=priciest,
        capable=tuple(capable),
        options=tuple(options),
        why=why,
        assessment=assessment,
        forced=forced is not None,
    )


def split_forced(message: str) -> tuple[str | None, str]:
    """`@name rest of message` -> ("name", "rest of message"); anything else -> (None, message)."""
    if message.startswith("@"):
        head, _, rest = message[1:].partition(" ")
        if head and rest.strip():
            return head, rest.lstrip()
    return None, message
