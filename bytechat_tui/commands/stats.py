"""`bytechat stats`: what routing saved over the last days, per day and by bot, and how often `r` was needed.

Each day's bar is what that day's answers would have cost on the priciest bot; the solid part is
what they cost. Plain characters, so the output survives a pipe, a log and any terminal.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bytechat_tui.storage import Stats

BAR_WIDTH = 30
SPENT, SAVED = "█", "░"


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "stats",
        help="spend and savings per day and by bot, escalation rate",
        description="What the history's answers cost over the last N days, what the priciest bot would "
        "have cost for the same tokens, the saving, per day and by bot, and how often an answer "
        "was escalated with r.",
    )
    parser.add_argument(
        "--days", type=int, default=30, metavar="N", help="the last N days, today included (default 30)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bytechat_tui.commands.history import open_history
    from bytechat_tui.errors import UserError

    if args.days < 1:
        raise UserError("--days must be at least 1")
    with open_history() as history:
        figures = history.stats(args.days)
    print(json.dumps(as_json(figures), indent=2, ensure_ascii=False) if args.json else as_text(figures))
    return 0


def as_json(figures: Stats) -> dict[str, Any]:
    return {
        "from": figures.days[0].day.isoformat(),
        "to": figures.days[-1].day.isoformat(),
        "spend_usd": round(figures.spend_usd, 10),
        "priciest_usd": round(figures.priciest_usd, 10),
        "saved_usd": round(figures.saved_usd, 10),
        "priciest_bots": list(figures.priciest_bots),
        "messages": figures.messages,
        "escalations": figures.escalations,
        "escalation_rate": round(figures.escalation_rate, 4),
        "per_day": [
            {
                "date": day.day.isoformat(),
                "answers": day.answers,
                "spend_usd": round(day.spend_usd, 10),
                "priciest_usd": round(day.priciest_usd, 10),
                "saved_usd": round(day.saved_usd, 10),
            }
            for day in figures.days
        ],
        "by_bot": [
            {
                "bot": use.bot,
                "model": use.model,
                "provider": use.provider,
                "answers": use.answers,
                "input_tokens": use.input_tokens,
                "output_tokens": use.output_tokens,
                "spend_usd": round(use.spend_usd, 10),
                "estimated": use.estimated,
            }
            for use in figures.bots
        ],
    }


def as_text(figures: Stats) -> str:
    from bytechat_tui.pricing.cost import usd

    span = f"{figures.days[0].day} to {figures.days[-1].day}"
    if not figures.messages:
        return f"No answers from {span}."
    share = figures.saved_usd / figures.priciest_usd if figures.priciest_usd > 0 else 0.0
    against = ", ".join(figures.priciest_bots)
    lines = [
        f"{span}: spent {usd(figures.spend_usd)}; on the priciest bot ({against}) the same tokens would have "
        f"cost {usd(figures.priciest_usd)}: saved {usd(figures.saved_usd)} ({share:.0%})",
        f"escalated with r: {figures.escalations} of {figures.messages} messages ({figures.escalation_rate:.0%})",
        "",
        f"per day ({SPENT} spent, {SAVED} saved, of what the priciest bot would have cost)",
    ]
    scale = max(day.priciest_usd for day in figures.days) or 1.0
    for day in figures.days:
        spent = round(BAR_WIDTH * day.spend_usd / scale)
        whole = max(spent, round(BAR_WIDTH * day.priciest_usd / scale))
        bar = (SPENT * spent + SAVED * (whole - spent)).ljust(BAR_WIDTH)
        money = f"{usd(day.spend_usd):>9}  saved {usd(day.saved_usd)}" if day.answers else ""
        lines.append(f"{day.day}  {bar}  {money}".rstrip())
    lines += ["", "by bot"]
    width = max(len(use.bot) for use in figures.bots)
    for use in figures.bots:
        approx = "≈" if use.estimated else ""
        lines.append(
            f"  {use.bot:<{width}}  {use.answers:>5} answers  {approx}{use.input_tokens:,} → "
            f"{approx}{use.output_tokens:,} tokens  {approx}{usd(use.spend_usd)}"
        )
    return "\n".join(lines)
