"""The keys dialog in the real app: keys go to the (in-memory) keyring, never to the screen.

The check talks HTTP to a loopback server (a provider's refusal, then its acceptance) or to the demo
room's own server; no test reaches the internet or needs a real key.
"""

from __future__ import annotations

import json
import math

from loopback import LoopbackServer, Reply
from memory_keyring import MemoryKeyring
from test_app_shell import closed_port_url, pilot_test, screen_text, until
from textual.pilot import Pilot
from textual.widgets import Button, Input

from bytechat_tui.app import ByteChatApp
from bytechat_tui.demo import DemoServer
from bytechat_tui.keys import SERVICE
from bytechat_tui.room import Room
from bytechat_tui.ui.dialogs.keys import KeysDialog
from bytechat_tui.ui.screens.welcome import WelcomeScreen

SIZE = (120, 40)
KEY = "sk-test-" + "Qm7vT2xR9kLp4Wz8Nf3Hd6Yc"
"""Built to look real (and long enough for a hint) without being one."""


async def open_dialog(pilot: Pilot[object], provider: str) -> KeysDialog:
    await pilot.press("ctrl+k")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, KeysDialog)
    dialog.query_one("#keys-list").highlighted = next(  # type: ignore[attr-defined]
        index for index, entry in enumerate(dialog.entries) if entry.name == provider
    )
    await pilot.pause()
    return dialog


def message(dialog: KeysDialog) -> str:
    return str(dialog.query_one("#keys-message").render())


@pilot_test
async def test_a_key_added_is_stored_in_the_keyring_never_shown_and_can_be_removed(memory_keyring: MemoryKeyring) -> None:
    app = ByteChatApp(None, demo=True, demo_server=DemoServer(math.inf), ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = await open_dialog(pilot, "anthropic")
        field = dialog.query_one("#keys-input", Input)
        field.focus()
        await pilot.press(*KEY)
        # While typed, and after it is stored, the screen shows bullets and the last four at most.
        assert KEY[:12] not in screen_text(app) and KEY[-8:] not in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: (SERVICE, "anthropic") in memory_keyring.entries)
        assert memory_keyring.entries[(SERVICE, "anthropic")] == KEY
        assert field.value == ""
        await until(pilot, lambda: "…" + KEY[-4:] in screen_text(app))
        text = screen_text(app)
        assert "Stored the key for anthropic" in text
        for start in range(len(KEY) - 7):
            assert KEY[start : start + 8] not in text  # no 8 characters of it in a row
        await pilot.click("#keys-remove")
        await until(pilot, lambda: (SERVICE, "anthropic") not in memory_keyring.entries)
        await until(pilot, lambda: "Removed the key for anthropic" in screen_text(app))
        row = next(line for line in screen_text(app).splitlines() if "Anthropic" in line)
        assert "none" in row and KEY[-4:] not in row
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, KeysDialog)


@pilot_test
async def test_without_a_keyring_the_dialog_says_why_and_how_and_cannot_store() -> None:
    app = ByteChatApp(None, demo=True, demo_server=DemoServer(math.inf), ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = await open_dialog(pilot, "openai")
        assert "the OS keyring cannot be used" in message(dialog)
        assert "never writes keys to a plaintext file" in message(dialog)
        assert dialog.query_one("#keys-store", Button).disabled


def _openai_room(server: LoopbackServer) -> Room:
    return Room("local", (server.bot("openai", name="mini"),))


@pilot_test
async def test_check_reports_the_providers_refusal_as_a_sentence_and_then_success(
    memory_keyring: MemoryKeyring,
) -> None:
    memory_keyring.set_password(SERVICE, "openai", KEY)
    refusal = {"error": {"message": f"Incorrect API key provided: {KEY}.", "type": "invalid_request_error", "code": "invalid_api_key"}}
    with LoopbackServer() as server:
        server.queue(
            Reply(401, {"content-type": "application/json"}, [json.dumps(refusal).encode()]),
            Reply(200, {"content-type": "application/json"}, [b'{"object": "list", "data": []}']),
        )
        app = ByteChatApp(_openai_room(server), ollama_url=closed_port_url())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            dialog = await open_dialog(pilot, "openai")
            await pilot.click("#keys-check")
            await until(pilot, lambda: "Checking" not in message(dialog) and bool(message(dialog)))
            refused = message(dialog)
            assert refused.startswith("openai: ") and "key" in refused
            assert KEY not in refused and KEY not in screen_text(app)
            check = dialog.query_one("#keys-check", Button)
            await until(pilot, lambda: not check.has_class("-active"))  # a second click, not a double click
            await pilot.click("#keys-check")
            await until(pilot, lambda: "the key works" in message(dialog))
        sent = server.requests
        assert [request.path for request in sent] == ["/v1/models", "/v1/models"]
        assert sent[0].headers["authorization"] == f"Bearer {KEY}"


@pilot_test
async def test_check_against_the_demo_rooms_server_works_without_a_key() -> None:
    app = ByteChatApp(None, demo=True, demo_server=DemoServer(math.inf), ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = await open_dialog(pilot, "openai-compatible")
        await pilot.click("#keys-check")
        await until(pilot, lambda: "the key works (127.0.0.1 listed its models)" in message(dialog))


@pilot_test
async def test_the_welcome_adds_a_key_and_then_opens_the_chat(memory_keyring: MemoryKeyring) -> None:
    app = ByteChatApp(None, ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("k")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, KeysDialog)
        dialog.query_one("#keys-input", Input).focus()
        await pilot.press(*KEY, "enter")
        await until(pilot, lambda: (SERVICE, "openai") in memory_keyring.entries)
        await pilot.press("escape")
        await until(pilot, lambda: app.conversation is not None)
        assert not isinstance(app.screen, (WelcomeScreen, KeysDialog))


@pilot_test
async def test_a_provider_that_needs_no_key_says_so() -> None:
    app = ByteChatApp(None, demo=True, demo_server=DemoServer(math.inf), ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_dialog(pilot, "ollama")
        row = next(line for line in screen_text(app).splitlines() if "Ollama (local)" in line)
        assert "no key needed" in row
