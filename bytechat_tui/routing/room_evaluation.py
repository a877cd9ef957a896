"""How a whole room does on a table that scores many models per prompt.

For each prompt the router picks a bot as it would in the chat; the room's quality is the mean
score of the picked models and its cost the sum of what those answers cost (prompt tokens at the
input price, answer length at the output price). It is set against the simple policies a user
could choose instead: always the strongest bot, always the cheapest, a bot at random, or the
best single bot a person could have picked for no more than the router spent (the fair question:
did routing beat simply choosing one good-value model?).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bytechat_tui.pricing.cost import request_cost
from bytechat_tui.room import Bot, Room
from bytechat_tui.routing.classifier import assess
from bytechat_tui.routing.router import route
from bytechat_tui.tokens import estimate_tokens

CHARS_PER_TOKEN = 4.0
"""Answer lengths come in characters; English prose averages about four per token."""


@dataclass(frozen=True, slots=True)
class LabelledPrompt:
    prompt: str
    scores: dict[str, float]
    """Quality of each model's answer, by model (column) name."""
    answer_chars: dict[str, float]
    """Length of each model's answer; empty where the table has none."""


@dataclass(frozen=True, slots=True)
class PolicyResult:
    name: str
    mean_quality: float
    total_cost_usd: float


@dataclass(frozen=True, slots=True)
class RoomReport:
    n: int
    policies: tuple[PolicyResult, ...]
    """The room's router first, then always-strongest, always-cheapest, random, and the best single
    bot within the router's spend (absent when every bot costs more)."""
    picks: dict[str, int]
    """How many prompts the router sent to each bot."""


def _answer_cost(bot: Bot, item: LabelledPrompt, input_tokens: int, fallback_output: int) -> float:
    chars = item.answer_chars.get(bot.name)
    output_tokens = round(chars / CHARS_PER_TOKEN) if chars else fallback_output
    return request_cost(bot.prices, input_tokens, output_tokens)


def evaluate_room(room: Room, table: Sequence[LabelledPrompt]) -> RoomReport:
    bots = [bot for bot in room.bots if bot.enabled]
    totals = {name: [0.0, 0.0] for name in ("router", "strongest", "cheapest", "random")}
    picks: Counter[str] = Counter()
    single = {bot.name: [0.0, 0.0] for bot in bots}
    for item in table:
        assessment = assess(item.prompt)
        decision = route(assessment, room)
        tokens = estimate_tokens(item.prompt)
        costs = {bot.name: _answer_cost(bot, item, tokens, assessment.output_tokens) for bot in bots}
        # The cheapest bot as estimated before any answer exists, as a cost-only policy would see it.
        cheapest = min(decision.options, key=lambda option: (option.cost_usd, -option.bot.tier)).bot.name
        chosen = {
            "router": decision.chosen.bot.name,
            "strongest": decision.strongest.bot.name,
            "cheapest": cheapest,
        }
        picks[chosen["router"]] += 1
        for policy, name in chosen.items():
            totals[policy][0] += item.scores[name]
            totals[policy][1] += costs[name]
        for name, cost in costs.items():
            single[name][0] += item.scores[name]
            single[name][1] += cost
        # A uniformly random bot: its expectation, so the figure carries no sampling noise.
        totals["random"][0] += sum(item.scores[bot.name] for bot in bots) / len(bots)
        totals["random"][1] += sum(costs.values()) / len(bots)
    n = len(table)
    labels = {
        "router": f"room router ({room.name})",
        "strongest": "always strongest",
        "cheapest": "always cheapest",
        "random": "random bot",
    }
    policies = [PolicyResult(labels[key], quality / n, cost) for key, (quality, cost) in totals.items()]
    affordable = [(quality, -cost, name) for name, (quality, cost) in single.items() if cost <= totals["router"][1]]
    if affordable:
        quality, negative_cost, name = max(affordable)
        policies.append(PolicyResult(f"best single bot at no more cost ({name})", quality / n, -negative_cost))
    return RoomReport(n=n, policies=tuple(policies), picks=dict(picks.most_common()))
