"""The bounded chat log: a long conversation keeps only a window of widgets mounted (STYLE.md #9)."""

from __future__ import annotations

import math

from loopback import LoopbackServer, loopback  # noqa: F401 - `loopback` is a fixture
from test_chat_screen import (
    QUICK,
    SIZE,
    ChatHarness,
    answered,
    chat_order,
    demo_chat,
    loopback_room,
    run,
    send,
    sse_answer,
    wait_until,
)

from bytechat_tui.conversation import Conversation, ExchangeState
from bytechat_tui.ui.widgets.answer import Answer
from bytechat_tui.ui.widgets.chat_log import BATCH, MAX_MOUNTED, OPENING_WINDOW, WINDOW
from bytechat_tui.ui.widgets.user_message import UserMessage

EXCHANGES = 120


def test_a_long_conversation_mounts_a_window_and_older_answers_mount_on_scrolling_up(loopback: LoopbackServer) -> None:
    loopback.queue(*(sse_answer(f"answer {index}") for index in range(EXCHANGES + 1)))

    async def scenario() -> None:
        conversation = Conversation(loopback_room(loopback), lambda bot: None, policy=QUICK)
        for index in range(EXCHANGES):
            await conversation.run(conversation.plan(f"question {index}"))
        app = ChatHarness(conversation)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            log = app.chat.chat_log

            def mounted() -> list[int]:
                return [widget.exchange.id for widget in log.query(Answer)]

            # A resumed conversation opens on its latest few exchanges: quick whatever its length.
            assert mounted() == [exchange.id for exchange in conversation.exchanges[-OPENING_WINDOW:]]
            assert len(log.query(UserMessage)) == OPENING_WINDOW
            assert log.scroll_y == log.max_scroll_y > 0  # following the end
            # Each time the top is reached, older exchanges mount above, never more than the bound.
            seen_first = False
            for _ in range(EXCHANGES // BATCH + 1):
                log.scroll_home(animate=False)
                await pilot.pause()
                await wait_until(pilot, lambda: log.scroll_y > 0 or log.start == 0, "the view held still")
                assert len(mounted()) <= MAX_MOUNTED
                if mounted()[0] == conversation.exchanges[0].id:
                    seen_first = True
                    break
            assert seen_first, "scrolling up never reached the first exchange"
            assert chat_order(app)[:2] == ["user:question 0", f"answer:{conversation.exchanges[0].id}"]
            # Sending jumps back to the end with a fresh window, and follows it.
            await send(pilot, "one more")
            await answered(pilot, app, EXCHANGES + 1)
            assert mounted() == [exchange.id for exchange in conversation.exchanges[-WINDOW:]]
            assert conversation.exchanges[-1].answer == f"answer {EXCHANGES}"
            await wait_until(pilot, lambda: log.scroll_y == log.max_scroll_y, "the log followed the end")

    run(scenario)


def test_the_window_stays_bounded_as_a_conversation_grows_live(loopback: LoopbackServer) -> None:
    live = 5
    loopback.queue(*(sse_answer(f"answer {index}") for index in range(WINDOW + live)))

    async def scenario() -> None:
        conversation = Conversation(loopback_room(loopback), lambda bot: None, policy=QUICK)
        for index in range(WINDOW):
            await conversation.run(conversation.plan(f"q{index}"))
        app = ChatHarness(conversation)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for index in range(WINDOW, WINDOW + live):
                await send(pilot, f"q{index}")
            await answered(pilot, app, WINDOW + live)
            answers = [answer.exchange.text for answer in app.chat.chat_log.query(Answer)]
            # The newest are mounted in order at the end, and the older ones stay out of the DOM.
            assert answers == [f"q{index}" for index in range(WINDOW + live - len(answers), WINDOW + live)]
            assert OPENING_WINDOW + live <= len(answers) <= MAX_MOUNTED
            assert len(app.chat.chat_log.query(UserMessage)) == len(answers)

    run(scenario)


def test_the_log_follows_a_streaming_answer_until_the_user_scrolls_up() -> None:
    async def scenario() -> None:
        async with demo_chat() as (app, pilot):
            log = app.chat.chat_log
            for _ in range(2):  # fill the screen first
                await send(pilot, "Write a python function that counts words")
            await answered(pilot, app, 2)
            assert app.demo_server is not None
            app.demo_server.tokens_per_second = 40
            await send(pilot, "@demo-frontier Write a python function that counts words")
            start = log.max_scroll_y
            await wait_until(
                pilot, lambda: log.max_scroll_y > start + 3 and log.scroll_y == log.max_scroll_y, "the view followed"
            )
            # The user scrolls up to read: the view stays where they put it while the answer grows.
            # (Well clear of the end: Textual anchors again when a streamed block is laid out a
            # line shorter for a moment, which closes a one-line gap, as CI once saw.)
            log.scroll_to(y=log.scroll_y - 10, animate=False, immediate=True)
            await pilot.pause()
            held, grown = log.scroll_y, log.max_scroll_y
            assert held < grown - 5
            await wait_until(pilot, lambda: log.max_scroll_y > grown + 3, "the answer grew")
            assert log.scroll_y == held
            assert app.conversation.exchanges[-1].state is ExchangeState.STREAMING
            # Back at the end, it follows again.
            log.scroll_end(animate=False)
            await pilot.pause()
            end = log.max_scroll_y
            await wait_until(pilot, lambda: log.max_scroll_y > end and log.scroll_y == log.max_scroll_y, "following again")
            app.demo_server.tokens_per_second = math.inf
            await answered(pilot, app, 3)

    run(scenario)
