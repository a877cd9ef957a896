"""Snapshots of the chat in the real app at a fixed size: answers with routing lines, why, escalation.

Regenerate after an intended change of look with `pytest tests/test_chat_snapshots.py --snapshot-update`
and check the SVGs under `tests/__snapshots__/` by eye before committing them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from test_chat_screen import SIZE, answered, chat_screen, paste, wait_until

from bytechat_tui.app import ByteChatApp
from bytechat_tui.demo import DemoServer
from bytechat_tui.ui.screens.chat import ChatScreen
from bytechat_tui.ui.widgets.room_panel import RoomPanel

SnapCompare = Callable[..., bool]


def demo_app() -> ByteChatApp:
    return ByteChatApp(demo=True, demo_server=DemoServer(tokens_per_second=math.inf))


async def ask(pilot: Pilot[Any], text: str, count: int) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ChatScreen), "the chat opened")
    await paste(pilot, text)
    await pilot.press("enter")
    await answered(pilot, pilot.app, count)


def test_an_answer_with_its_routing_line_and_why_panel(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await ask(pilot, "Write a python function that counts words", 1)
        await pilot.press("escape", "w")
        await pilot.pause()
        chat_screen(pilot.app).prompt.focus()
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_an_escalation_under_the_answer_it_re_asks_with_the_room_panel(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await ask(pilot, "What is the capital of France?", 1)
        await pilot.press("escape", "r")
        await answered(pilot, pilot.app, 2)
        chat = chat_screen(pilot.app)
        first = chat.chat_log.answer_for(chat.conversation.exchanges[0])
        assert first is not None
        chat.chat_log.scroll_to_widget(first.routing_line, animate=False, top=True)
        await pilot.press("ctrl+r")
        panel = chat.query_one(RoomPanel)
        await wait_until(pilot, lambda: panel.key_status, "the room panel checked the keys")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)
