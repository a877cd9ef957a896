"""The `bytechat` command line: the chat app without a subcommand, else one module per subcommand.

Subcommand modules import only the standard library at module level, and the app (Textual, httpx)
is imported only when it is launched, so `bytechat --help` and `bytechat route` start without
paying for Textual, httpx or the keyring's backend discovery.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from bytechat_tui import __version__
from bytechat_tui.errors import UserError

#: Subcommands, in the order `--help` lists them; each names a module in `bytechat_tui.commands`.
COMMANDS = ("ask", "route", "history", "export", "stats", "eval", "models", "keys")

DESCRIPTION = """\
A terminal chat client that sends each message to the cheapest bot of your room that can answer
it well, and shows what that choice cost and saved. Without a COMMAND, it opens the chat."""

EPILOG = """\
examples:
  bytechat --demo                                     the chat with a demo room: no key, no network
  bytechat                                            the chat, in your config's room
  bytechat --room work                                the chat, in the room "work" of config.toml
  bytechat ask "write a haiku about rain"             one answer on stdout, its cost on stderr
  bytechat route "prove that sqrt(2) is irrational"   which bot would answer, why, at what cost
  bytechat route --json "hi"                          the same decision as one JSON object
  bytechat models --provider anthropic                the bundled price and capability catalog
  bytechat keys set openai                            store a key in the OS keyring
  bytechat eval labelled.csv                          judge the router on your own labelled data

files:
  config   $BYTECHAT_CONFIG_DIR or the platform config dir (config.toml)
  data     $BYTECHAT_DATA_DIR or the platform data dir
  keys     the OS keyring (service "bytechat-tui"), or OPENAI_API_KEY and friends"""


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without `commands`, only the options that open the chat."""
    parser = argparse.ArgumentParser(
        prog="bytechat",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"bytechat {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the chat in a demo room: three bots at real prices, answered offline, no key needed",
    )
    # Its own dest: a subcommand's --room (`bytechat ask --room NAME`) would otherwise overwrite it.
    parser.add_argument("--room", dest="open_room", metavar="NAME", help="open the chat in this room of config.toml")
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"bytechat_tui.commands.{name}").register(subcommands)
    return parser


def opens_chat_only(argv: Sequence[str]) -> bool:
    """Whether `argv` can only open the chat (`--demo`, `--room NAME`): then the eight subcommand
    modules and their parsers are not needed, and the chat's first screen does not wait for them."""
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--room" and rest:
            rest.pop(0)
        elif arg != "--demo" and not arg.startswith("--room="):
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(commands=not opens_chat_only(arguments))
    args = parser.parse_args(arguments)
    if args.command is not None and (args.demo or args.open_room is not None):
        parser.error(f"--demo and --room open the chat; to use a room with `{args.command}`, put --room after it")
    if args.demo and args.open_room is not None:
        parser.error("--demo opens the demo room; leave out --room, or leave out --demo")
    try:
        if args.command is None:
            return launch(demo=args.demo, room=args.open_room)
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


def launch(demo: bool = False, room: str | None = None) -> int:
    """Run the chat app until the person quits it; its exit status.

    `room` names a room of the config (checked here, so a typo is one line on stderr, not a screen);
    None lets the app open the room used last, else the config's default. With `demo` (or `--room
    demo` when the config has no room of that name) the app starts the demo server in its own event
    loop and opens the demo room.
    """
    # Until the first screen is drawn, the cyclic garbage collector would only walk the thousands of
    # objects the imports make and keep (about a tenth of the start-up time); the app turns it back
    # on once that screen is up.
    gc.disable()
    try:
        from bytechat_tui.config import load_config
        from bytechat_tui.room import Room, load_room, names_demo_room

        opened: Room | None = None
        if names_demo_room(room, load_config()):
            demo = True
        elif room is not None:
            opened = load_room(room)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UserError(
                "the chat needs a terminal, and standard input or output is not one; "
                'from a script or a pipe, use `bytechat ask "..."`'
            )
        from bytechat_tui.app import ByteChatApp

        app = ByteChatApp(opened, demo=demo)
        app.run()
        return app.return_code or 0
    finally:
        gc.enable()  # after a refusal above, or an app that ended before its first screen
