"""The message box with Pilot: Enter sends, Ctrl+J breaks lines, Up recalls, huge pastes arrive whole."""

from __future__ import annotations

from loopback import LoopbackServer, loopback  # noqa: F401 - `loopback` is a fixture
from test_chat_screen import (
    answered,
    chat_over,
    demo_chat,
    loopback_room,
    paste,
    run,
    send,
    sse_answer,
    type_text,
    wait_until,
)

from bytechat_tui.pricing.cost import usd
from bytechat_tui.state import load_state
from bytechat_tui.ui.widgets.user_message import UserMessage


def test_enter_sends_once_and_ctrl_j_or_shift_enter_keep_their_line_breaks() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await type_text(pilot, "line one")
            await pilot.press("ctrl+j")
            await type_text(pilot, "line two")
            await pilot.press("shift+enter")
            await type_text(pilot, "line three")
            assert app.conversation.exchanges == []
            await pilot.press("enter")
            await answered(pilot, app, 1)
            assert [exchange.text for exchange in app.conversation.exchanges] == ["line one\nline two\nline three"]
            assert app.chat.prompt.text == ""
            assert app.chat.query_one(UserMessage).render().plain == "line one\nline two\nline three"

    run(scenario)


def test_an_empty_or_blank_input_sends_nothing() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await pilot.press("enter")
            await type_text(pilot, "  ")
            await pilot.press("ctrl+j", "enter")
            await pilot.pause()
            assert app.conversation.exchanges == []
            assert app.chat.prompt.text == "  \n"

    run(scenario)


def test_up_on_the_first_line_walks_back_through_sent_prompts_and_down_returns_to_the_draft() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            prompt = app.chat.prompt
            await send(pilot, "first")
            await send(pilot, "second\nhas two lines")
            await answered(pilot, app, 2)
            await type_text(pilot, "draft")
            await pilot.press("up")
            assert prompt.text == "second\nhas two lines"
            # The cursor ends on the recalled prompt's last line: Up first moves within it.
            await pilot.press("up")
            assert prompt.text == "second\nhas two lines" and prompt.cursor_location[0] == 0
            await pilot.press("up")
            assert prompt.text == "first"
            await pilot.press("up")
            assert prompt.text == "first"
            await pilot.press("down")
            assert prompt.text == "second\nhas two lines"
            await pilot.press("down")
            assert prompt.text == "draft"

    run(scenario)


def test_prompts_are_remembered_across_runs() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await send(pilot, "remember me")
            await answered(pilot, app, 1)
        assert load_state().prompt_history == ["remember me"]
        async with demo_chat() as (app, pilot):
            await pilot.press("up")
            assert app.chat.prompt.text == "remember me"

    run(scenario)


def test_remapped_send_and_newline_keys_apply_in_the_input() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            # What the real app holds after resolving `[keybindings] send = "ctrl+s"`, `newline = "enter"`.
            app.keymap_keys = {"send": ("ctrl+s",), "newline": ("enter",)}  # type: ignore[attr-defined]
            await type_text(pilot, "one")
            await pilot.press("enter")
            await type_text(pilot, "two")
            assert app.conversation.exchanges == []
            await pilot.press("ctrl+s")
            await answered(pilot, app, 1)
            assert app.conversation.exchanges[0].text == "one\ntwo"

    run(scenario)


def test_a_one_megabyte_paste_shows_an_estimate_first_and_is_sent_intact(loopback: LoopbackServer) -> None:
    lines = [f"{index:06d} log line with some words, numbers {index * 7} and symbols <>&[]\t;" for index in range(16_000)]
    text = "\n".join(lines)[: 1024 * 1024]
    assert len(text) == 1024 * 1024
    loopback.queue(sse_answer("Got it: ", "a big log.", prompt_tokens=300_000))

    async def scenario() -> None:
        async with chat_over(loopback_room(loopback)) as (app, pilot):
            await paste(pilot, text)
            assert app.chat.prompt.text == text
            estimate = app.chat.query_one("#estimate")
            await wait_until(pilot, lambda: estimate.display, "the estimate appeared")
            route = app.conversation.estimate(text)
            shown = estimate.render().plain
            assert f"≈ {route.assessment.message_tokens:,} tokens in this message" in shown
            assert f"Solo would answer for ≈ {usd(route.chosen.cost_usd)}" in shown
            assert route.assessment.message_tokens > 100_000
            assert app.conversation.exchanges == []  # an estimate, not a send
            await pilot.press("enter")
            await answered(pilot, app, 1)
            assert not estimate.display
            assert app.conversation.exchanges[0].answer == "Got it: a big log."
            shown_message = app.chat.query_one(UserMessage).render().plain
            assert shown_message.startswith(lines[0]) and shown_message.endswith("more characters, sent in full")

        # What reached the server is the paste, every byte of it.
        [request] = loopback.requests
        assert request.json()["messages"][-1] == {"role": "user", "content": text}

    run(scenario)


def test_a_small_paste_shows_no_estimate() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            await paste(pilot, "a few words")
            await pilot.pause()
            assert not app.chat.query_one("#estimate").display

    run(scenario)
