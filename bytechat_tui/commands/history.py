"""`bytechat history`: the conversations kept, newest first, with what each cost and saved."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bytechat_tui.storage import ConversationSummary, History

COLUMNS = ("id", "updated", "msgs", "spend", "saved", "title")
RIGHT_ALIGNED = frozenset({"id", "msgs", "spend", "saved"})


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "history",
        help="list the conversations kept in the history, newest first",
        description="List the conversations of the history (the chat's and `bytechat ask`'s), most "
        "recently updated first: id, date, messages, spend and saving vs the priciest bot, title. "
        "`bytechat export ID` writes one out.",
    )
    parser.add_argument("--json", action="store_true", help="print the list as JSON")
    parser.add_argument("--limit", type=int, default=50, metavar="N", help="at most N conversations (default 50)")
    parser.set_defaults(run=run)


def open_history() -> History:
    """The history, with a note on stderr when a damaged file had to be set aside."""
    from bytechat_tui.storage import History

    history = History.open()
    if history.notice is not None:
        print(f"bytechat: note: {history.notice}", file=sys.stderr)
    return history


def run(args: argparse.Namespace) -> int:
    from bytechat_tui.errors import UserError

    if args.limit < 1:
        raise UserError("--limit must be at least 1")
    with open_history() as history:
        summaries = history.conversations(args.limit)
    if args.json:
        print(json.dumps([as_json(summary) for summary in summaries], indent=2, ensure_ascii=False))
    elif not summaries:
        print("No conversations yet: the chat keeps each one, and `bytechat ask` adds one per question.")
    else:
        print(as_table(summaries))
    return 0


def as_json(summary: ConversationSummary) -> dict[str, Any]:
    from bytechat_tui.storage.history import local_iso

    return {
        "id": summary.id,
        "title": summary.title,
        "room": summary.room,
        "created": local_iso(summary.created),
        "updated": local_iso(summary.updated),
        "messages": summary.messages,
        "spend_usd": round(summary.spend_usd, 10),
        "saved_usd": round(summary.saved_usd, 10),
        "estimated": summary.estimated,
    }


def as_table(summaries: list[ConversationSummary]) -> str:
    import time

    from bytechat_tui.pricing.cost import usd
    from bytechat_tui.text_safety import neutralise

    rows = []
    for summary in summaries:
        approx = "≈" if summary.estimated else ""
        rows.append(
            (
                str(summary.id),
                time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.updated)),
                str(summary.messages),
                approx + usd(summary.spend_usd),
                approx + usd(summary.saved_usd),
                neutralise(summary.title),  # typed by a person or pasted: shown, never obeyed
            )
        )
    widths = [max(len(cell) for cell in column) for column in zip(COLUMNS, *rows)]
    lines = []
    for cells in (COLUMNS, *rows):
        aligned = (
            cell.rjust(width) if name in RIGHT_ALIGNED else cell.ljust(width)
            for name, cell, width in zip(COLUMNS, cells, widths)
        )
        lines.append("  ".join(aligned).rstrip())
    return "\n".join(lines)
