"""The `bytechat` command line: argument parsing and dispatch to one module per subcommand.

Subcommand modules import only the standard library at module level, so `bytechat --help` and
`bytechat route` start without paying for Textual, httpx or the keyring's backend discovery.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bytechat_tui import __version__
from bytechat_tui.errors import UserError

#: Subcommands, in the order `--help` lists them; each names a module in `bytechat_tui.commands`.
COMMANDS = ("ask", "route", "eval", "models", "keys")

DESCRIPTION = """\
A terminal chat client that sends each message to the cheapest bot of your room that can answer
it well, and shows what that choice cost and saved."""

EPILOG = """\
examples:
  bytechat route "prove that sqrt(2) is irrational"   which bot would answer, why, at what cost
  bytechat route --json "hi"                          the same decision as one JSON object
  bytechat models --provider anthropic                the bundled price and capability catalog
  bytechat keys set openai                            store a key in the OS keyring
  bytechat eval labelled.csv                          judge the router on your own labelled data

files:
  config   $BYTECHAT_CONFIG_DIR or the platform config dir (config.toml)
  data     $BYTECHAT_DATA_DIR or the platform data dir
  keys     the OS keyring (service "bytechat-tui"), or OPENAI_API_KEY and friends"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bytechat",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"bytechat {__version__}")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"bytechat_tui.commands.{name}").register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.run(args) or 0)
    except UserError as error:
        print(f"bytechat: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `bytechat models | head`: the reader left; that is not an error worth a traceback.
        sys.stderr.close()
        return 0
