"""The chat screen with Pilot: routing lines, `r`, `Esc`, queued messages, forced bots, the why panel.

Answers come from the demo room's real loopback server (or a `tests/loopback.py` server where a
test needs a scripted reply), through the real client; nothing of ours is mocked. The harness app
is deliberately tiny, so these tests do not depend on the real app's screens.

The helpers here are shared by the other `test_chat_*` modules.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from loopback import LoopbackServer, Pause, loopback, sse_body  # noqa: F401 - `loopback` is a fixture
from loopback import Reply as Served
from rich.console import Console
from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot

from bytechat_tui.conversation import ENDED, Conversation, Exchange, ExchangeState
from bytechat_tui.demo import DemoServer, demo_room
from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.pricing.cost import usd
from bytechat_tui.providers.retry import RetryPolicy
from bytechat_tui.room import Room
from bytechat_tui.ui.keymap import app_bindings
from bytechat_tui.ui.screens.chat import ChatScreen
from bytechat_tui.ui.widgets.answer import Answer
from bytechat_tui.ui.widgets.routing_line import RoutingLine
from bytechat_tui.ui.widgets.status_bar import StatusBar
from bytechat_tui.ui.widgets.user_message import UserMessage
from bytechat_tui.ui.widgets.why_panel import WhyPanel

SIZE = (120, 40)
SLOW = 2.0
"""Tokens per second of a demo answer a test acts on mid-stream: the first token comes at once, then
one every half second, so the answer is still streaming whatever the test does meanwhile."""
QUICK = RetryPolicy(max_retries=1, base_delay=0.01, max_delay=0.02)
LITE, MID, FRONTIER = "demo-lite", "demo-mid", "demo-frontier"


class ChatHarness(App[None]):
    """Just enough app to hold a ChatScreen: the real keymap's bindings, no other screens."""

    BINDINGS = app_bindings()

    def __init__(self, conversation: Conversation) -> None:
        super().__init__()
        self.conversation = conversation
        self.demo_server: DemoServer | None = None
        """The server answering, for tests that change its pace mid-answer."""

    def on_mount(self) -> None:
        self.push_screen(ChatScreen(self.conversation))

    @property
    def chat(self) -> ChatScreen:
        return chat_screen(self)


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


@asynccontextmanager
async def chat_over(room: Room, **conversation_args: Any) -> AsyncIterator[tuple[ChatHarness, Pilot[None]]]:
    conversation = Conversation(room, lambda bot: None, policy=QUICK, **conversation_args)
    app = ChatHarness(conversation)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        yield app, pilot


def loopback_room(server: LoopbackServer, **changes: Any) -> Room:
    """A room of one OpenAI-compatible bot, "solo", answered by `server` with whatever a test queues."""
    facts: dict[str, Any] = {"name": "solo", "display_name": "Solo", "context_window": 2_000_000, **changes}
    bot = server.bot("openai-compatible", **facts)
    return Room(name="loopback", bots=(bot,))


def sse_answer(*texts: str, prompt_tokens: int = 10) -> Served:
    """An OpenAI stream of `texts`, a stop and the usage chunk."""
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "test-model"}
    chunks = [{**head, "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]} for text in texts]
    chunks.append({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    completion = len(texts)
    usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion, "total_tokens": prompt_tokens + completion}
    chunks.append({**head, "choices": [], "usage": usage})
    return Served(200, {"content-type": "text/event-stream"}, [sse_body(chunks)])


@asynccontextmanager
async def demo_chat(tokens_per_second: float = math.inf) -> AsyncIterator[tuple[ChatHarness, Pilot[None]]]:
    """The chat over the demo room, its server paced at `tokens_per_second`."""
    async with DemoServer(tokens_per_second=tokens_per_second) as server:
        assert server.url is not None
        async with chat_over(demo_room(server.url)) as (app, pilot):
            app.demo_server = server
            yield app, pilot


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type `text` key by key, as a person would (Ctrl+J for each line break)."""
    await pilot.press(*("ctrl+j" if char == "\n" else _character_to_key(char) for char in text))


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste `text` as a terminal's bracketed paste delivers it: one event, to the focused widget."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def send(pilot: Pilot[None], text: str) -> None:
    """Put `text` in the input (pasted: quicker than typing, where typing is not under test) and press Enter."""
    await paste(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


async def wait_until(pilot: Pilot[None], condition: Callable[[], object], what: str) -> None:
    """Let the app run until `condition()` holds; fail (not hang) if it never does."""
    for _ in range(2000):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"gave up waiting until {what}")


def chat_screen(app: App[Any]) -> ChatScreen:
    assert isinstance(app.screen, ChatScreen), f"the screen shown is {app.screen!r}"
    return app.screen


async def answered(pilot: Pilot[None], app: App[Any], count: int) -> None:
    """Wait for `count` exchanges to have ended and every mounted answer to show all of its text."""
    chat = chat_screen(app)
    exchanges = chat.conversation.exchanges

    def settled() -> bool:
        return len(exchanges) >= count and all(exchange.state in ENDED for exchange in exchanges) and all(
            answer.up_to_date for answer in chat.chat_log.answers
        )

    await wait_until(pilot, settled, f"{count} answers ended and were shown")
    await pilot.pause()


def answer_widget(app: App[Any], exchange: Exchange) -> Answer:
    answer = chat_screen(app).chat_log.answer_for(exchange)
    assert answer is not None, f"exchange {exchange.id} has no mounted answer"
    return answer


def line_text(app: App[Any], exchange: Exchange) -> str:
    return answer_widget(app, exchange).query_one(RoutingLine).render().plain


def screen_text(app: App[Any]) -> str:
    """What the terminal would show, as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, record=True, file=io.StringIO(), legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def chat_order(app: App[Any]) -> list[str]:
    """The chat log top to bottom: "user:<text>" and "answer:<exchange id>"."""
    order = []
    for widget in chat_screen(app).chat_log.children:
        if isinstance(widget, UserMessage):
            order.append(f"user:{widget.text}")
        elif isinstance(widget, Answer):
            order.append(f"answer:{widget.exchange.id}")
    return order


# The tests.


def test_the_routing_line_names_bot_tier_reason_tokens_cost_and_saving() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await send(pilot, "What is the capital of France?")
            await answered(pilot, app, 1)
            exchange = app.conversation.exchanges[0]
            reply = exchange.reply
            assert exchange.state is ExchangeState.DONE and reply is not None and reply.usage is not None
            assert not reply.estimated
            # The cheapest capable bot of the demo room answers a short factual question.
            assert reply.bot.name == LITE
            await pilot.resize_terminal(180, 40)  # room for the whole line
            await pilot.pause()
            line = line_text(app, exchange)
            saving = f"saved {usd(reply.saving_usd)} ({reply.saving_share:.0%})"
            assert line == (
                f'gemini-2.5-flash-lite (DEMO) · tier 1 · "{exchange.route.assessment.reasons[0]}" · '
                f"{reply.usage.input_tokens:,}→{reply.usage.output_tokens:,} tok · {usd(reply.cost_usd)} · {saving}"
                " vs gpt-6-astra (DEMO)"
            )
            # Where it would wrap, the priciest bot's name gives way, then "vs the priciest": one line.
            routing = answer_widget(app, exchange).query_one(RoutingLine)
            margins = 180 - routing.size.width
            for versus in (" vs the priciest", ""):
                fitted = line.replace(" vs gpt-6-astra (DEMO)", versus)
                await pilot.resize_terminal(margins + len(fitted), 40)
                await pilot.pause()
                assert line_text(app, exchange) == fitted and routing.size.height == 1
            assert reply.usage.output_tokens > 0 and reply.saving_usd > 0 and reply.saving_share > 0.9
            assert "≈" not in line
            # The status bar carries the session's totals.
            bar = app.chat.query_one(StatusBar)
            assert bar.spend_usd == reply.cost_usd and bar.saved_usd == app.conversation.saved_usd > 0
            assert bar.room_name == "demo" and bar.note == ""

    run(scenario)


def test_r_asks_the_strongest_bot_labelled_under_the_answer_and_the_next_message_keeps_the_floor() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await send(pilot, "What is the capital of France?")
            await send(pilot, "And of Spain?")
            await answered(pilot, app, 2)
            first, second = app.conversation.exchanges
            assert first.bot.name == second.bot.name == LITE
            # Focus the first answer, then r: the escalation goes under it, not at the end.
            answer_widget(app, first).focus()
            await pilot.press("r")
            await answered(pilot, app, 3)
            escalation = app.conversation.exchanges[2]
            assert escalation.escalation_of == first.id and escalation.text == first.text
            assert escalation.state is ExchangeState.DONE and escalation.bot.name == FRONTIER
            assert chat_order(app) == [
                f"user:{first.text}",
                f"answer:{first.id}",
                f"answer:{escalation.id}",
                f"user:{second.text}",
                f"answer:{second.id}",
            ]
            label = answer_widget(app, escalation).query_one(".answer--escalation").render().plain
            assert label == "↑ escalated to gpt-6-astra (DEMO)"
            assert line_text(app, escalation).startswith("gpt-6-astra (DEMO) · tier 5 · ")
            # A plain follow-up now keeps the escalated tier (the floor) instead of bouncing back.
            app.chat.action_focus_input()
            await send(pilot, "Thanks, and Italy?")
            await answered(pilot, app, 4)
            follow_up = app.conversation.exchanges[3]
            assert follow_up.route.assessment.floor_tier == 5
            assert follow_up.bot.name == FRONTIER

    run(scenario)


def test_r_on_an_answer_from_the_strongest_bot_is_labelled_as_asked_again() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await send(pilot, f"@{FRONTIER} What is the capital of France?")
            await answered(pilot, app, 1)
            first = app.conversation.exchanges[0]
            answer_widget(app, first).focus()
            await pilot.press("r")
            await answered(pilot, app, 2)
            again = app.conversation.exchanges[1]
            assert again.escalation_of == first.id and again.bot.name == FRONTIER
            label = answer_widget(app, again).query_one(".answer--escalation").render().plain
            assert label == "↻ asked again: gpt-6-astra (DEMO) (already the strongest tier)"

    run(scenario)


def test_r_with_the_input_focused_types_an_r_and_escalates_nothing() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await send(pilot, "Hi there")
            await answered(pilot, app, 1)
            await pilot.press("r")
            await pilot.pause()
            assert app.chat.prompt.text == "r"
            assert len(app.conversation.exchanges) == 1

    run(scenario)


def test_escape_mid_stream_keeps_what_arrived_marked_cut_then_the_next_message_runs() -> None:
    async def scenario() -> None:
        async with demo_chat(tokens_per_second=SLOW) as (app, pilot):
            await send(pilot, "Write a python function that counts words")
            exchange = app.conversation.exchanges[0]
            await wait_until(pilot, lambda: exchange.answer, "part of the answer arrived")
            await pilot.press("escape")
            await answered(pilot, app, 1)
            assert exchange.state is ExchangeState.CUT
            reply = exchange.reply
            assert reply is not None and reply.cut and reply.estimated
            assert exchange.answer and answer_widget(app, exchange).shown_text == exchange.answer
            line = line_text(app, exchange)
            assert "cut: stopped with Esc" in line
            assert reply.usage is not None
            tokens = f"≈{reply.usage.input_tokens:,}→≈{reply.usage.output_tokens:,} tok"
            assert f" · {tokens} · ≈{usd(reply.cost_usd)} · " in line
            # The rest of the demo's answer would have taken far longer: it really was cut short.
            assert reply.usage.output_tokens < 20
            # The chat goes on: the next message is answered whole.
            assert app.demo_server is not None
            app.demo_server.tokens_per_second = math.inf
            await send(pilot, "hello")
            await answered(pilot, app, 2)
            assert app.conversation.exchanges[1].state is ExchangeState.DONE

    run(scenario)


def test_a_message_sent_while_an_answer_streams_waits_and_then_runs_in_order() -> None:
    async def scenario() -> None:
        async with demo_chat(tokens_per_second=SLOW) as (app, pilot):
            await send(pilot, "Tell me about the history of Rome")
            first = app.conversation.exchanges[0]
            await wait_until(pilot, lambda: first.answer, "the first answer started")
            await send(pilot, "second")
            await send(pilot, "third")
            second, third = app.conversation.exchanges[1:]
            assert first.state is ExchangeState.STREAMING
            assert second.state is third.state is ExchangeState.QUEUED
            assert app.chat.waiting == [second, third]
            assert line_text(app, second).startswith("waiting — ")
            assert app.chat.query_one(StatusBar).note == "answer streaming — 2 messages wait"
            assert app.demo_server is not None
            app.demo_server.tokens_per_second = math.inf
            await answered(pilot, app, 3)
            assert [e.state for e in (first, second, third)] == [ExchangeState.DONE] * 3
            # Never interleaved: each was asked with the whole answer before it as context.
            request = app.conversation.request_for(third)
            assert [m.text for m in request.messages] == [first.text, first.answer, second.text, second.answer, "third"]
            assert chat_order(app) == [
                f"user:{first.text}", f"answer:{first.id}", "user:second", f"answer:{second.id}", "user:third",
                f"answer:{third.id}",
            ]  # fmt: skip
            assert app.chat.query_one(StatusBar).note == ""

    run(scenario)


def test_at_bot_forces_the_bot_and_an_unknown_one_is_a_notice_with_nothing_sent() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await send(pilot, f"@{FRONTIER} hi")
            await answered(pilot, app, 1)
            exchange = app.conversation.exchanges[0]
            assert exchange.text == "hi" and exchange.bot.name == FRONTIER
            assert f'"forced by @{FRONTIER}"' in line_text(app, exchange)
            await send(pilot, "@nobody hi")
            assert len(app.conversation.exchanges) == 1
            notice = app.chat.query_one("#notice")
            assert notice.display and 'no enabled bot "nobody"' in notice.render().plain
            assert app.chat.prompt.text == "@nobody hi"  # given back to fix

    run(scenario)


def test_the_why_panel_lists_the_assessment_and_every_capable_bot_with_its_cost() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await send(pilot, "Prove that the square root of 2 is irrational, step by step")
            await answered(pilot, app, 1)
            exchange = app.conversation.exchanges[0]
            route = exchange.route
            assert len(route.capable) >= 2, "the prompt should need more than the smallest bot"
            panel = answer_widget(app, exchange).query_one(WhyPanel)
            assert not panel.display
            await pilot.press("escape")  # leave the input: w is a letter there
            await pilot.press("w")
            await pilot.pause()
            assert panel.display
            text = panel.render().plain
            assert f"difficulty {route.assessment.score:.2f}" in text
            assert f"needs tier {route.assessment.needed_tier}" in text
            for reason in route.assessment.reasons:
                assert f'"{reason}"' in text
            for option in route.capable:
                row = next(line for line in text.splitlines() if option.bot.display_name in line and "tier" in line)
                assert usd(option.cost_usd) in row
            assert route.runner_up is not None
            assert f"runner-up: {route.runner_up.bot.display_name}" in text
            assert "strongest: gpt-6-astra (DEMO)" in text and "priciest: gpt-6-astra (DEMO)" in text
            not_capable = [option for option in route.options if option not in route.capable]
            for option in not_capable:
                assert f"{option.bot.display_name}" in text and "not capable" in text
            # A click on the routing line folds it away again.
            await pilot.click(RoutingLine)
            await pilot.pause()
            assert not panel.display

    run(scenario)


def test_copy_code_copies_the_last_code_block_and_copy_answer_the_whole_answer() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await send(pilot, "Write a python function that counts words")
            await answered(pilot, app, 1)
            answer = app.conversation.exchanges[0].answer
            last_fence = re.findall(r"```[a-z]*\n(.*?)```", answer, re.DOTALL)[-1]
            assert answer.count("```") >= 4, "the demo's code answer should have two code blocks"
            await pilot.press("escape", "c")
            await pilot.pause()
            assert app.clipboard == last_fence
            await pilot.press("y")
            await pilot.pause()
            assert app.clipboard == answer

    run(scenario)


def test_switching_a_bot_off_in_the_room_panel_changes_routing_and_is_remembered() -> None:
    from bytechat_tui.state import load_state
    from bytechat_tui.ui.widgets.room_panel import RoomPanel

    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await pilot.press("ctrl+r")
            await pilot.pause()
            panel = app.chat.query_one(RoomPanel)
            assert panel.display and panel.has_focus
            await wait_until(pilot, lambda: panel.key_status, "the key status was checked")
            assert panel.key_status == {LITE: True, MID: True, FRONTIER: True}  # the demo needs no key
            await pilot.press("enter")  # the first bot: demo-lite
            await pilot.pause()
            assert not next(bot for bot in app.conversation.room.bots if bot.name == LITE).enabled
            assert load_state().disabled_bots == {"demo": [LITE]}
            await pilot.press("ctrl+r")
            await send(pilot, "What is the capital of France?")
            await answered(pilot, app, 1)
            assert app.conversation.exchanges[0].bot.name == MID

    run(scenario)


def test_new_chat_clears_the_log_and_the_conversation() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await send(pilot, "hello")
            await answered(pilot, app, 1)
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert app.conversation.exchanges == [] and chat_order(app) == []
            await send(pilot, "hello again")
            await answered(pilot, app, 1)
            assert [e.text for e in app.conversation.exchanges] == ["hello again"]

    run(scenario)


def test_a_failed_answer_is_a_sentence_naming_the_bot_the_problem_and_the_way_out(loopback: LoopbackServer) -> None:
    error = {"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error"}}
    refused = Served(401, {"content-type": "application/json"}, [json.dumps(error).encode()])
    loopback.queue(refused, sse_answer("Fine now."))

    async def scenario() -> None:
        async with chat_over(loopback_room(loopback)) as (app, pilot):
            await send(pilot, "hello")
            await answered(pilot, app, 1)
            exchange = app.conversation.exchanges[0]
            assert exchange.state is ExchangeState.FAILED
            line = line_text(app, exchange)
            assert line.startswith("solo: ") and "Incorrect API key provided" in line
            assert line.endswith("Press ctrl+k to add or fix the key, or press r to ask Solo again.")
            await pilot.press("escape", "r")  # leave the input, then do what the sentence says
            await answered(pilot, app, 2)
            assert app.conversation.exchanges[1].answer == "Fine now."

    run(scenario)


def test_a_retry_is_announced_on_the_routing_line_while_it_waits(loopback: LoopbackServer) -> None:
    busy = {"error": {"message": "Rate limit reached.", "type": "requests", "code": "rate_limit_exceeded"}}
    headers = {"content-type": "application/json", "retry-after": "1"}
    loopback.queue(Served(429, headers, [json.dumps(busy).encode()]), sse_answer("Done."))

    async def scenario() -> None:
        async with chat_over(loopback_room(loopback)) as (app, pilot):
            await send(pilot, "hello")
            exchange = app.conversation.exchanges[0]
            await wait_until(pilot, lambda: "retrying in 1 s" in line_text(app, exchange), "the retry was announced")
            assert line_text(app, exchange).startswith('Solo · tier 1 · "')
            await answered(pilot, app, 1)
            assert exchange.answer == "Done." and "retrying" not in line_text(app, exchange)

    run(scenario)


def test_escape_before_the_answer_begins_says_so_and_charges_nothing(loopback: LoopbackServer) -> None:
    loopback.queue(Served(200, {"content-type": "text/event-stream"}, [Pause(30), sse_body([])]))

    async def scenario() -> None:
        async with chat_over(loopback_room(loopback)) as (app, pilot):
            await send(pilot, "hello")
            exchange = app.conversation.exchanges[0]
            await wait_until(pilot, lambda: loopback.requests, "the request reached the server")
            assert exchange.state is ExchangeState.STREAMING
            await pilot.press("escape")
            await answered(pilot, app, 1)
            assert exchange.state is ExchangeState.CUT and exchange.answer == ""
            assert exchange.reply is not None and exchange.reply.cost_usd == 0
            assert line_text(app, exchange).endswith(" · cut: stopped before the answer began")
            assert loopback.client_disconnected(10), "the request was abandoned, not left running"

    run(scenario)


def test_a_failover_is_noted_on_the_routing_line_of_the_bot_that_answered(loopback: LoopbackServer) -> None:
    down = Served(503, {"content-type": "application/json"}, [b'{"error": {"message": "busy"}}'])
    loopback.queue(down, down, sse_answer("Answered anyway."))  # QUICK retries once, then the room fails over
    cheap = loopback_room(loopback).bots[0]
    dear = replace(cheap, name="big", display_name="Big", prices=Prices(10.0, 20.0), tier=3)

    async def scenario() -> None:
        async with chat_over(Room(name="pair", bots=(cheap, dear))) as (app, pilot):
            await send(pilot, "hello")
            await answered(pilot, app, 1)
            exchange = app.conversation.exchanges[0]
            assert exchange.route.chosen.bot.name == "solo" and exchange.bot.name == "big"
            assert exchange.answer == "Answered anyway." and len(loopback.requests) == 3
            line = line_text(app, exchange)
            assert line.startswith("Big · tier 3 · ") and line.endswith(" · solo: HTTP 503 → answered by big")
            assert "the priciest bot" in line

    run(scenario)
