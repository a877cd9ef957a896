"""The chat inside the real app: `ByteChatApp(demo=True)` as `bytechat --demo` opens it."""

from __future__ import annotations

import math

from test_chat_screen import SIZE, answered, chat_screen, line_text, run, type_text, wait_until

from bytechat_tui.app import ByteChatApp
from bytechat_tui.conversation import ExchangeState
from bytechat_tui.demo import DemoServer
from bytechat_tui.ui.screens.chat import ChatScreen


def test_the_demo_app_answers_with_a_routing_line_and_r_escalates_to_the_strongest_bot() -> None:
    async def scenario() -> None:
        app = ByteChatApp(demo=True, demo_server=DemoServer(tokens_per_second=math.inf))
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen), "the chat opened")
            chat = chat_screen(app)
            await pilot.pause()
            assert chat.prompt.has_focus
            notice = chat.query_one("#notice")
            assert notice.display and notice.render().plain.startswith("Demo room: answers come from a server")
            await type_text(pilot, "What is the capital of France?")
            await pilot.press("ctrl+j")
            await type_text(pilot, "Briefly.")
            await pilot.press("enter")
            await answered(pilot, app, 1)
            first = chat.conversation.exchanges[0]
            assert first.text == "What is the capital of France?\nBriefly."
            assert first.state is ExchangeState.DONE and first.bot.name == "demo-lite"
            assert line_text(app, first).startswith("gemini-2.5-flash-lite (DEMO) · tier 1 · ")
            assert " · saved $" in line_text(app, first)
            await pilot.press("escape", "r")  # leave the input, re-ask the strongest bot
            await answered(pilot, app, 2)
            escalation = chat.conversation.exchanges[1]
            assert escalation.escalation_of == first.id and escalation.bot.name == "demo-frontier"
            assert line_text(app, escalation).startswith("gpt-6-astra (DEMO) · tier 5 · ")
            await pilot.press("i")  # back to the input with the app's own binding
            await pilot.pause()
            assert chat.prompt.has_focus and chat.prompt.text == ""

    run(scenario)
