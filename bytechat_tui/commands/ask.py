"""`bytechat ask`: one message to a room from a shell, the answer streamed, its cost on stderr.

Standard output carries only the answer (or, with `--json`, one object), so it can be piped; the
summary and any error go to standard error. Exit status: 0 for a whole answer, 1 for an error or a
cut answer (its partial text is still printed), 130 after Ctrl+C.

Each ask is a new conversation of the history, kept as the chat keeps its own (the message before
it is sent, the answer as it streams), unless `--no-history`. History trouble never stops an
answer: it is one note on standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bytechat_tui.conversation import Exchange
    from bytechat_tui.providers.events import Event
    from bytechat_tui.replies import Reply
    from bytechat_tui.room import Bot, Room
    from bytechat_tui.storage.recorder import HistoryRecorder

INTERRUPTED = 130
"""What a shell reports for a command ended by Ctrl+C (128 + SIGINT)."""


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "ask",
        help="send a message to the cheapest capable bot and stream its answer",
        description="Route a message as the chat would (or send it to --bot), stream the answer to "
        "standard output, then print the bot, tokens, cost and saving on standard error. "
        "Start the text with @bot to force a bot.",
    )
    parser.add_argument(
        "text", nargs="*", metavar="TEXT", help='the message; "-", or nothing with a pipe, reads it from stdin'
    )
    parser.add_argument("--room", metavar="NAME", help='room of config.toml to ask (default: its default_room); "demo" is the demo room, answered offline')
    parser.add_argument("--bot", metavar="NAME", help="send to this bot of the room instead of routing")
    parser.add_argument("--json", action="store_true", help="print the outcome as one JSON object at the end")
    parser.add_argument(
        "--no-history", action="store_true", help="do not keep this message and its answer in the history"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from bytechat_tui.config import load_config
    from bytechat_tui.room import room_for_command
    from bytechat_tui.routing.router import split_forced

    text = _message(args)
    if args.bot:
        text = f"@{args.bot} {split_forced(text)[1]}"  # --bot wins over an @name the text starts with
    config = load_config()
    room = room_for_command(args.room, config)  # the demo room's server starts with the ask
    recorder = None if args.no_history else _recorder(room.name)
    output = _Output(as_json=args.json, recorder=recorder)
    try:
        exchange = asyncio.run(_ask(room, text, output, recorder, config.routing.strongest_share))
    except KeyboardInterrupt:
        return output.interrupted()
    finally:
        output.close_history()
    assert exchange.reply is not None
    return output.finish(exchange.reply)


def _recorder(room_name: str) -> HistoryRecorder | None:
    """A recorder for a new conversation; None, with a note, when the history cannot be used."""
    from bytechat_tui.errors import UserError
    from bytechat_tui.storage import History
    from bytechat_tui.storage.recorder import HistoryRecorder

    try:
        with History.open() as history:
            if history.notice is not None:
                print(f"bytechat: note: {history.notice}", file=sys.stderr)
            return HistoryRecorder(history.path, room_name)
    except UserError as error:
        print(f"bytechat: note: this answer is not kept in the history: {error}", file=sys.stderr)
        return None


def _message(args: argparse.Namespace) -> str:
    from bytechat_tui.errors import UserError

    if args.text == ["-"] or (not args.text and not sys.stdin.isatty()):
        text = sys.stdin.read()
    elif args.text:
        text = " ".join(args.text)
    else:
        raise UserError('give the message as TEXT, or pipe it in (`echo hi | bytechat ask`, or "-")')
    if not text.strip():
        raise UserError("the message is empty; give some text, or - to read it from stdin")
    return text


async def _ask(
    room: Room, text: str, output: _Output, recorder: HistoryRecorder | None, strongest_share: float | None
) -> Exchange:
    from bytechat_tui.conversation import Conversation
    from bytechat_tui.demo import DemoServer, demo_room
    from bytechat_tui.keys import KeyStore, Secret
    from bytechat_tui.providers.discovery import with_local_models
    from bytechat_tui.providers.shared_client import SharedClient
    from bytechat_tui.replies import key_name

    store = KeyStore()

    def key_for(bot: Bot) -> Secret | None:
        found = store.get(key_name(bot))
        return None if found is None else found.secret

    http = SharedClient()
    demo_server = DemoServer() if room.origin == "demo" else None
    try:
        if demo_server is not None:
            room = demo_room(await demo_server.start())
        elif room.origin == "default":
            room = await with_local_models(room, http)
        chat = Conversation(room, key_for, http=http, recorder=recorder, strongest_share=strongest_share)
        output.exchange = chat.plan(text)  # kept in the history before it is sent
        return await chat.run(output.exchange, output.changed)
    finally:
        await http.aclose()
        if demo_server is not None:
            await demo_server.stop()


class _Output:
    """Writes the answer as it streams and the outcome at the end, in text or JSON form."""

    def __init__(self, as_json: bool, recorder: HistoryRecorder | None) -> None:
        self.as_json = as_json
        self.recorder = recorder
        self.exchange: Exchange | None = None
        self._last = "\n"
        """The last character written to stdout, to end the answer on a line of its own."""

    def changed(self, exchange: Exchange, event: Event | None) -> None:
        from bytechat_tui.providers.events import TextDelta

        if isinstance(event, TextDelta) and event.text and not self.as_json:
            sys.stdout.write(event.text)
            sys.stdout.flush()
            self._last = event.text[-1]

    def finish(self, reply: Reply) -> int:
        self._end_line()
        if self.as_json:
            print(json.dumps(self._json(reply), indent=2, ensure_ascii=False))
        elif reply.usage is not None:
            print(summary(reply), file=sys.stderr)
        else:
            for note in reply.failovers:
                print(f"note: {note}", file=sys.stderr)
        if reply.error is not None:
            print(f"bytechat: {reply.error}", file=sys.stderr)
        return 0 if reply.ok else 1

    def interrupted(self) -> int:
        """Ctrl+C: what was printed stays, and what it cost is still said."""
        self._end_line()
        # The conversation ended the exchange as cut when the ask was cancelled.
        reply = None if self.exchange is None else self.exchange.reply
        if reply is not None and (reply.text or reply.reasoning):
            if self.as_json:
                print(json.dumps(self._json(reply, error="stopped with Ctrl+C"), indent=2, ensure_ascii=False))
            else:
                print(summary(reply), file=sys.stderr)
        print("bytechat: stopped", file=sys.stderr)
        return INTERRUPTED

    def close_history(self) -> None:
        """Write what is pending; a history that failed to write is one note, after the answer."""
        if self.recorder is None:
            return
        self.recorder.close()
        if self.recorder.problem is not None:
            print(f"bytechat: note: {self.recorder.problem}", file=sys.stderr)

    def _json(self, reply: Reply, error: str | None = None) -> dict[str, Any]:
        conversation = None if self.recorder is None else self.recorder.conversation_id
        return {**as_json(reply, error), "conversation_id": conversation}

    def _end_line(self) -> None:
        if self._last != "\n":
            sys.stdout.write("\n")
            sys.stdout.flush()
            self._last = "\n"


def summary(reply: Reply) -> str:
    """One line: `mini · 1,000 → 500 tokens · $0.0020 · saved $0.0280 (93%) vs opus`."""
    from bytechat_tui.pricing.cost import usd

    usage = reply.usage
    assert usage is not None
    approx = "≈" if reply.estimated else ""
    tokens = f"{approx}{usage.input_tokens:,}"
    if usage.cache_read_tokens or usage.cache_write_tokens:
        tokens += f" (+{usage.cache_read_tokens + usage.cache_write_tokens:,} cached)"
    tokens += f" → {approx}{usage.output_tokens:,}"
    if usage.reasoning_tokens:
        tokens += f" ({usage.reasoning_tokens:,} thinking)"
    parts = [
        reply.bot.name,
        f"{tokens} tokens",
        f"{approx}{usd(reply.cost_usd)}",
        f"saved {approx}{usd(reply.saving_usd)} ({reply.saving_share:.0%}) vs {reply.priciest.name}",
    ]
    if reply.estimated:
        parts.append("tokens estimated")
    if reply.cut:
        parts.append("cut off")
    return " · ".join(parts + list(reply.failovers))


def as_json(reply: Reply, error: str | None = None) -> dict[str, Any]:
    usage = reply.usage
    failure = error or (None if reply.error is None else str(reply.error))
    return {
        "bot": reply.bot.name,
        "model": reply.bot.model,
        "provider": reply.bot.provider,
        "text": reply.text,
        "reasoning": reply.reasoning,
        "usage": None
        if usage is None
        else {
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "cache_read_tokens": usage.cache_read_tokens,
            "cache_write_tokens": usage.cache_write_tokens,
            "reasoning_tokens": usage.reasoning_tokens,
        },
        "cost_usd": round(reply.cost_usd, 10),
        "priciest": reply.priciest.name,
        "priciest_cost_usd": round(reply.priciest_cost_usd, 10),
        "saving_usd": round(reply.saving_usd, 10),
        "saving_share": round(reply.saving_share, 4),
        "estimated": reply.estimated,
        "finish": None if reply.finish is None else reply.finish.reason,
        "cut": reply.cut,
        "failovers": list(reply.failovers),
        "error": failure,
        "error_kind": None if reply.error is None else reply.error.kind.value,
    }
