"""Snapshots of the main screens at 120x40 (pytest-textual-snapshot; Textual is pinned for them).

Each runs the real `ByteChatApp` headless. Answers come from the demo room's loopback server
unpaced, and every snapshot waits until the answers have ended and are fully shown, with cursor
blinking off and no toast left, so a screen is the same on every run. Config and data dirs are the
test's own (conftest), so no remembered theme or prompt leaks in.

After a deliberate change to what a screen shows: `pytest --snapshot-update tests/test_snapshots.py`,
then look at the new SVGs (tests/__snapshots__/test_snapshots/) before committing them.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from memory_keyring import MemoryKeyring
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from bytechat_tui.app import ByteChatApp
from bytechat_tui.conversation import ENDED
from bytechat_tui.demo import DemoServer
from bytechat_tui.keys import SERVICE
from bytechat_tui.ui.dialogs.keys import KeysDialog
from bytechat_tui.ui.screens.chat import ChatScreen
from bytechat_tui.ui.screens.help import HelpScreen
from bytechat_tui.ui.screens.welcome import WelcomeScreen
from bytechat_tui.ui.widgets.room_panel import KEY_OK, RoomPanel

SIZE = (120, 40)
NO_OLLAMA = "http://127.0.0.1:9"
"""Where the welcome looks for a local Ollama: the discard port, where none answers; fixed, as the
welcome shows it."""
KEY = "sk-test-" + "Qm7vT2xR9kLp4Wz8Nf3Hd6Yc"

Snap = Callable[..., bool]


def demo_app() -> ByteChatApp:
    return ByteChatApp(None, demo=True, demo_server=DemoServer(tokens_per_second=math.inf), ollama_url=NO_OLLAMA)


async def until(pilot: Pilot[None], condition: Callable[[], object], what: str) -> None:
    for _ in range(3000):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"the app never {what}")


def chat(pilot: Pilot[None]) -> ChatScreen:
    screens = [screen for screen in pilot.app.screen_stack if isinstance(screen, ChatScreen)]
    assert screens, f"no chat open: {pilot.app.screen_stack}"
    return screens[-1]


async def steady(pilot: Pilot[None]) -> None:
    """No blinking cursor and no toast: what is left is the screen itself."""
    for field in pilot.app.screen.query(TextArea):
        field.cursor_blink = False
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()
    await pilot.pause()


async def opened(pilot: Pilot[None]) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, ChatScreen), "opened the chat")
    await pilot.pause()


async def answered(pilot: Pilot[None], *prompts: str) -> None:
    """Open the demo chat and send `prompts`, waiting until every answer is in and shown."""
    await opened(pilot)
    for count, prompt in enumerate(prompts, 1):
        chat(pilot).prompt.insert(prompt)
        await pilot.press("enter")

        def settled(count: int = count) -> bool:
            exchanges = chat(pilot).conversation.exchanges
            return (
                len(exchanges) >= count
                and all(exchange.state in ENDED for exchange in exchanges)
                and all(answer.up_to_date for answer in chat(pilot).chat_log.answers)
            )

        await until(pilot, settled, f"answered {prompt!r}")
    await pilot.pause()


def then(*steps: Callable[[Pilot[None]], Awaitable[None]]) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        for step in steps:
            await step(pilot)
        await steady(pilot)

    return run


async def one_answer(pilot: Pilot[None]) -> None:
    await answered(pilot, "prove that sqrt(2) is irrational")


async def why_open(pilot: Pilot[None]) -> None:
    await pilot.press("escape", "w")  # leave the input; w opens why under the latest answer
    await until(pilot, lambda: chat(pilot).chat_log.answers[-1].why_open, "opened the why panel")
    await pilot.pause()


async def room_panel(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+r")
    panel = chat(pilot).query_one(RoomPanel)

    def keys_checked() -> bool:
        prompts = [str(panel.get_option_at_index(index).prompt) for index in range(panel.option_count)]
        return bool(prompts) and all(KEY_OK in prompt for prompt in prompts)

    await until(pilot, keys_checked, "showed the bots' key status")


async def help_screen(pilot: Pilot[None]) -> None:
    await pilot.press("f1")
    await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "showed the help")


async def keys_dialog(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+k")
    await until(pilot, lambda: isinstance(pilot.app.screen, KeysDialog), "opened the keys dialog")
    await pilot.pause()


async def light_theme(pilot: Pilot[None]) -> None:
    pilot.app.theme = "bytechat-light"
    await pilot.pause()


def test_chat_after_one_demo_answer(snap_compare: Snap) -> None:
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=then(one_answer))


def test_why_panel_open(snap_compare: Snap) -> None:
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=then(one_answer, why_open))


def test_room_panel(snap_compare: Snap) -> None:
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=then(opened, room_panel))


def test_help_screen(snap_compare: Snap) -> None:
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=then(opened, help_screen))


def test_keys_dialog_with_a_stored_key(snap_compare: Snap, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE, "anthropic", KEY)
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=then(opened, keys_dialog))


def test_welcome_on_a_first_run_without_keys(snap_compare: Snap, memory_keyring: MemoryKeyring) -> None:
    app = ByteChatApp(None, ollama_url=NO_OLLAMA)

    async def welcome(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: isinstance(pilot.app.screen, WelcomeScreen), "showed the welcome")

    assert snap_compare(app, terminal_size=SIZE, run_before=then(welcome))


def test_chat_in_the_light_theme(snap_compare: Snap) -> None:
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=then(one_answer, light_theme))
