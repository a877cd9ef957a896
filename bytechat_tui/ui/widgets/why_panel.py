"""Why an answer went where it did: the whole assessment and every bot the router weighed.

Hidden under each answer until the user asks (`w`, or a click on the routing line). Everything in
it comes from the `Route` the conversation made before sending, so what it says is what decided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from bytechat_tui.pricing.cost import usd
from bytechat_tui.ui.widgets.routing_line import bot_label

if TYPE_CHECKING:
    from bytechat_tui.routing.classifier import Assessment
    from bytechat_tui.routing.router import Option, Route


def _assessment_line(assessment: Assessment) -> str:
    approx = "≈" if assessment.tokens_estimated else ""
    tags = ", ".join(sorted(assessment.needed_tags)) or "none"
    facts = [
        f"difficulty {assessment.score:.2f}",
        f"needs tier {assessment.needed_tier}",
        f"tags needed: {tags}",
        f"{approx}{assessment.input_tokens:,} tokens in (this message {approx}{assessment.message_tokens:,})",
        f"~{assessment.output_tokens:,} expected out",
    ]
    if assessment.follow_up:
        facts.append("follow-up")
    if assessment.floor_tier > 1:
        facts.append(f"escalation floor: tier {assessment.floor_tier}")
    return " · ".join(facts)


def _why_not(option: Option, assessment: Assessment) -> str:
    """Why a bot was not capable: the first rule it failed."""
    bot = option.bot
    if bot.tier < assessment.needed_tier:
        return f"tier {bot.tier} < {assessment.needed_tier}"
    missing = assessment.needed_tags - bot.tags
    if missing:
        return "lacks " + ", ".join(sorted(missing))
    return f"context window {bot.context_window:,} too small"


class WhyPanel(Widget):
    """The full routing decision for one answer, as lines of plain text."""

    DEFAULT_CSS = """
    WhyPanel {
        height: auto;
        margin: 0 2 1 2;
        padding: 0 1;
        border-left: outer $secondary;
        color: $text-muted;
        display: none;
    }
    WhyPanel.-open { display: block; }
    """

    def __init__(self, route: Route) -> None:
        super().__init__()
        self.route = route

    def render(self) -> Content:
        route = self.route
        assessment = route.assessment
        roles: dict[str, list[str]] = {}
        for role, option in (
            ("chosen", route.chosen),
            ("runner-up", route.runner_up),
            ("strongest", route.strongest),
            ("priciest", route.priciest),
        ):
            if option is not None:
                roles.setdefault(option.bot.name, []).append(role)
        capable = {option.bot.name for option in route.capable}
        # Capable bots first (cheapest first, as the router ranks them), then the others and why not.
        ranked = list(route.capable) + [option for option in route.options if option.bot.name not in capable]
        name_width = max(len(bot_label(option.bot)) for option in ranked)
        cost_width = max(len(usd(option.cost_usd)) for option in ranked)
        lines: list[str | tuple[str, str]] = [
            (f"routed to {bot_label(route.chosen.bot)}: {route.why}\n", "bold"),
            _assessment_line(assessment) + "\n",
            "reasons: " + "; ".join(f'"{reason}"' for reason in assessment.reasons) + "\n",
            "every enabled bot, with what this request would cost on it:\n",
        ]
        for option in ranked:
            bot = option.bot
            marker = "▶" if bot.name == route.chosen.bot.name else "✓" if bot.name in capable else "✗"
            notes = list(roles.get(bot.name, []))
            if bot.name not in capable:
                notes.insert(0, f"not capable: {_why_not(option, assessment)}")
            lines.append(
                f"{marker} {bot_label(bot):<{name_width}}  tier {bot.tier}  {usd(option.cost_usd):>{cost_width}}"
                f"  {', '.join(notes)}".rstrip() + "\n"
            )
        if not route.capable:
            lines.append("no bot is capable: the strongest answers\n")
        runner_up = bot_label(route.runner_up.bot) if route.runner_up is not None else "none"
        lines.append(
            f"runner-up: {runner_up} · strongest: {bot_label(route.strongest.bot)}"
            f" · priciest: {bot_label(route.priciest.bot)} ({usd(route.priciest.cost_usd)})"
        )
        return Content.assemble(*lines)
