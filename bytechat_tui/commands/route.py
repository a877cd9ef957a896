"""`bytechat route`: which bot would answer a message, why, and at what cost, without sending it."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bytechat_tui.routing.router import Option, Route


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "route",
        help="show which bot would answer a message, why, and what it would cost",
        description="Assess a message and route it as the chat would, without sending anything. "
        "Start the text with @bot to force a bot.",
    )
    parser.add_argument("text", nargs="+", metavar="TEXT", help='the message ("-" reads it from stdin)')
    parser.add_argument("--room", metavar="NAME", help='room of config.toml to route in (default: its default_room); "demo" is the demo room')
    parser.add_argument("--json", action="store_true", help="print the decision as one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bytechat_tui.config import load_config
    from bytechat_tui.room import room_for_command
    from bytechat_tui.routing.classifier import assess
    from bytechat_tui.routing.dial import thresholds_for
    from bytechat_tui.routing.router import route, split_forced

    text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
    forced, message = split_forced(text)
    if not message.strip():
        from bytechat_tui.errors import UserError

        raise UserError("the message is empty; give some text, or - to read it from stdin")
    config = load_config()
    room = room_for_command(args.room, config)
    if room.origin == "default":
        from bytechat_tui.locations import config_file

        print(
            f"note: no rooms configured in {config_file()}; using the default room built from the catalog",
            file=sys.stderr,
        )
    thresholds = thresholds_for(config.routing.strongest_share, room)
    assessment = assess(message, floor_turns=config.routing.escalation_floor_turns, thresholds=thresholds)
    decision = route(assessment, room, forced=forced)
    if args.json:
        print(json.dumps(as_json(decision, room.name), indent=2, ensure_ascii=False))
    else:
        print(as_text(decision, room.name))
    return 0


def as_json(decision: Route, room_name: str) -> dict[str, Any]:
    assessment = decision.assessment
    chosen = decision.chosen

    def option(item: Option | None) -> dict[str, Any] | None:
        if item is None:
            return None
        bot = item.bot
        return {
            "bot": bot.name,
            "model": bot.model,
            "provider": bot.provider,
            "tier": bot.tier,
            "estimated_cost_usd": round(item.cost_usd, 8),
        }

    return {
        "room": room_name,
        "bot": chosen.bot.name,
        "model": chosen.bot.model,
        "provider": chosen.bot.provider,
        "tier": chosen.bot.tier,
        "why": decision.why,
        "needed_tier": assessment.needed_tier,
        "needed_tags": sorted(assessment.needed_tags),
        "score": round(assessment.score, 4),
        "reasons": list(assessment.reasons),
        "input_tokens": assessment.input_tokens,
        "output_tokens": assessment.output_tokens,
        "tokens_estimated": assessment.tokens_estimated,
        "estimated_cost_usd": round(chosen.cost_usd, 8),
        "runner_up": option(decision.runner_up),
        "strongest": option(decision.strongest),
        "priciest": option(decision.priciest),
        "estimated_saving_usd": round(decision.saving_usd, 8),
        "estimated_saving_share": round(decision.saving_share, 4),
        "capable": [option(item) for item in decision.capable],
    }


def as_text(decision: Route, room_name: str) -> str:
    from bytechat_tui.pricing.cost import usd

    assessment = decision.assessment
    chosen = decision.chosen
    approx = "≈" if assessment.tokens_estimated else ""
    lines = [
        f"{chosen.bot.name} ({chosen.bot.provider} {chosen.bot.model}) · tier {chosen.bot.tier} · {decision.why}",
        f"  needs tier {assessment.needed_tier}"
        + (f" and {', '.join(sorted(assessment.needed_tags))}" if assessment.needed_tags else "")
        + f" · score {assessment.score:.2f} · room {room_name}",
        f"  why: {' · '.join(assessment.reasons)}",
        f"  cost: {approx}{usd(chosen.cost_usd)} for {approx}{assessment.input_tokens}→{assessment.output_tokens} tokens",
    ]
    if decision.runner_up is not None:
        lines.append(f"  runner-up: {decision.runner_up.bot.name} {approx}{usd(decision.runner_up.cost_usd)}")
    strongest, priciest = decision.strongest, decision.priciest
    lines.append(f"  strongest: {strongest.bot.name} (tier {strongest.bot.tier}) {approx}{usd(strongest.cost_usd)}")
    lines.append(
        f"  saves {approx}{usd(decision.saving_usd)} ({decision.saving_share:.0%}) vs the priciest, "
        f"{priciest.bot.name} {approx}{usd(priciest.cost_usd)}"
    )
    return "\n".join(lines)
