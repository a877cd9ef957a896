"""`bytechat export ID`: one conversation of the history as Markdown or JSON, to stdout or a file."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

FORMATS = ("md", "json")


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "export",
        help="write a conversation of the history as Markdown or JSON",
        description="Write conversation ID (see `bytechat history`) as Markdown, with a front matter of "
        "totals and each answer's bot, tokens, cost and saving, or as JSON with every routing "
        "decision and reply. No key is ever part of it.",
    )
    parser.add_argument("id", type=int, metavar="ID", help="the conversation's id, as `bytechat history` lists it")
    parser.add_argument("--format", choices=FORMATS, help="md or json (default: from the -o file's extension, else md)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (created private, 0600)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bytechat_tui.commands.history import open_history
    from bytechat_tui.storage.export import to_json, to_markdown

    chosen = args.format or ("json" if args.output is not None and args.output.suffix == ".json" else "md")
    with open_history() as history:
        summary = history.conversation(args.id)
        _room, exchanges = history.load_conversation(args.id)
    if chosen == "json":
        text = json.dumps(to_json(summary, exchanges), indent=2, ensure_ascii=False) + "\n"
    else:
        text = to_markdown(summary, exchanges)
    if args.output is None:
        sys.stdout.write(text)
    else:
        _write_private(args.output, text)
    return 0


def _write_private(path: Path, text: str) -> None:
    from bytechat_tui.errors import UserError

    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise UserError(f"could not write {path} ({error.strerror or error})") from error
