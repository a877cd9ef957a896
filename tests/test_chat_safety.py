"""What a model or a person writes is shown, never obeyed: markup stays literal, escapes are defused.

Each case runs the real chat over a real loopback server: the model's answer arrives as SSE through
the real client, and the user's text is typed and pasted as a terminal delivers it.
"""

from __future__ import annotations

from loopback import LoopbackServer, loopback  # noqa: F401 - `loopback` is a fixture
from test_chat_screen import (
    answered,
    chat_over,
    line_text,
    loopback_room,
    paste,
    run,
    screen_text,
    send,
    sse_answer,
    type_text,
)

from bytechat_tui.ui.widgets.user_message import UserMessage

OSC52_HEAD, OSC52_TAIL = "\x1b]52;c;cHdu", "ZWQ=\x07"
"""An OSC 52 clipboard write ("pwned"), split across two deltas as a stream may split it."""
MARKUP = "[bold]x[/bold] [@click=app.quit]quit[/] [link=https://example.com]l[/link]"


def test_markup_and_escape_sequences_in_a_model_answer_show_literally_and_do_nothing(loopback: LoopbackServer) -> None:
    tail = OSC52_TAIL + "done \x1b[31mred\x1b[0m \x1b]8;;https://x\x07link"
    loopback.queue(sse_answer(f"Look: {MARKUP} ", OSC52_HEAD, tail))

    async def scenario() -> None:
        async with chat_over(loopback_room(loopback, display_name="[i]Solo[/i]")) as (app, pilot):
            await send(pilot, "say something odd")
            await answered(pilot, app, 1)
            exchange = app.conversation.exchanges[0]
            assert "\x1b]52" in exchange.answer, "the raw answer did carry the sequence"
            answer = app.chat.chat_log.answer_for(exchange)
            assert answer is not None
            assert answer.shown_text == f"Look: {MARKUP} done red link"
            text = screen_text(app)
            assert f"Look: {MARKUP} done red link" in text
            assert "cHduZWQ" not in text and "\x1b" not in text
            assert app.clipboard == ""  # the OSC 52 payload reached neither the terminal nor the clipboard
            assert line_text(app, exchange).startswith("[i]Solo[/i] · tier 1 · ")
            await pilot.click("Markdown", offset=(26, 0))  # on the literal "[@click=app.quit]"
            await pilot.pause()
            assert app.is_running and app.return_code is None

    run(scenario)


def test_markup_and_escape_sequences_in_the_users_text_show_as_typed(loopback: LoopbackServer) -> None:
    loopback.queue(sse_answer("ok"))

    async def scenario() -> None:
        async with chat_over(loopback_room(loopback)) as (app, pilot):
            await type_text(pilot, MARKUP)
            await paste(pilot, f" osc {OSC52_HEAD}{OSC52_TAIL}end \x1b[2J\x1b[31mred\x07")
            await pilot.press("enter")
            await answered(pilot, app, 1)
            shown = app.chat.query_one(UserMessage).render().plain
            assert shown == f"{MARKUP} osc end red"
            assert f"{MARKUP} osc end red" in screen_text(app)
            assert app.clipboard == "" and app.is_running
            # The text the person wrote is what the model was sent, unaltered.
            [request] = loopback.requests
            sent = request.json()["messages"][-1]["content"]
            assert sent == f"{MARKUP} osc {OSC52_HEAD}{OSC52_TAIL}end \x1b[2J\x1b[31mred\x07"

    run(scenario)
