"""The app around the chat: themes, the keymap and its help, the palette, the welcome, the room panel.

Every test runs the real `ByteChatApp` with Pilot at a fixed size; answers come from the demo room's
in-process server through the real client path.
"""

from __future__ import annotations

import asyncio
import functools
import html
import math
import re
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from memory_keyring import MemoryKeyring
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable

from bytechat_tui.app import ByteChatApp
from bytechat_tui.conversation import ExchangeState
from bytechat_tui.demo import DemoServer, demo_room
from bytechat_tui.locations import config_dir
from bytechat_tui.state import load_state
from bytechat_tui.ui.screens.help import HelpScreen
from bytechat_tui.ui.screens.welcome import WelcomeScreen
from bytechat_tui.ui.themes import ThemeError, load_themes, parse_theme
from bytechat_tui.ui.widgets.room_panel import KEY_MISSING, KEY_OK, RoomPanel
from bytechat_tui.ui.widgets.status_bar import StatusBar

SIZE = (120, 40)
SHIPPED = Path(__file__).resolve().parents[1] / "themes"


def pilot_test(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async test in its own event loop, bounded so a stuck app fails instead of hanging."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(asyncio.wait_for(test(*args, **kwargs), 120))

    return run


def closed_port_url() -> str:
    """A loopback URL where nothing listens, so no local Ollama is found whatever the machine runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def demo_app(**options: object) -> ByteChatApp:
    return ByteChatApp(None, demo=True, demo_server=DemoServer(math.inf), ollama_url=closed_port_url(), **options)


def screen_text(app: App[object]) -> str:
    """What the terminal shows, as plain text (tags of the SVG export removed)."""
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")


async def until(pilot: Pilot[object], condition: Callable[[], bool], rounds: int = 1000) -> None:
    """Let the app run until `condition` holds; a bounded wait, so a broken app fails, never hangs."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the app never reached the expected state")


def write_config(text: str) -> None:
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.toml").write_text(text, encoding="utf-8")


async def send(pilot: Pilot[object], text: str) -> None:
    app = pilot.app
    assert isinstance(app, ByteChatApp)
    app.screen.query_one("#prompt").focus()
    await pilot.press(*text, "enter")
    conversation = app.conversation
    assert conversation is not None
    await until(pilot, lambda: bool(conversation.exchanges) and conversation.exchanges[-1].state is ExchangeState.DONE)


# --- Themes ------------------------------------------------------------------------------------------


def test_six_or_more_shipped_themes_load_including_light_and_high_contrast() -> None:
    loaded = load_themes()
    assert loaded.problems == []
    names = {theme.name for theme in loaded.themes}
    assert len(names) >= 6
    assert {"bytechat-dark", "bytechat-light", "bytechat-high-contrast"} <= names
    assert any(not theme.dark for theme in loaded.themes)
    assert all("savings" in theme.variables for theme in loaded.themes)


@pilot_test
async def test_every_shipped_theme_is_registered_and_renders() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shipped = {path.stem for path in SHIPPED.glob("*.toml")}
        assert shipped <= set(app.available_themes)
        for name in sorted(shipped):
            app.theme = name
            await pilot.pause()
            assert app.get_css_variables()["savings"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('name = "x"\nprimary = "#123456"\ncolour = "#000000"\n', 'unknown setting "colour"'),
        ('name = "x"\nprimary = "blurple"\n', 'primary = "blurple", which is not a colour'),
        ('primary = "#123456"\n', "has no name"),
        ('name = "x"\n', "has no primary colour"),
        ('name = "[b]x"\nprimary = "#123456"\n', 'has name = "[b]x"; a theme name is letters'),
        ('name = "x"\nprimary = "#123456"\ndark = "yes"\n', "dark set to something other than true or false"),
        ('name = "x"\nprimary = "#123456"\n[variables]\nsavings = "nope"\n', '[variables] savings = "nope"'),
        ('name = "x"\nprimary = "#123456\n', "is not valid TOML"),
    ],
)
def test_a_bad_theme_file_is_one_sentence_naming_the_problem(text: str, problem: str) -> None:
    with pytest.raises(ThemeError, match=re.escape(problem)):
        parse_theme(text)


@pilot_test
async def test_bad_user_theme_files_are_named_in_one_notice_and_good_ones_still_load() -> None:
    themes = config_dir() / "themes"
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text('name = "broken"\nprimary = "#12345"\n', encoding="utf-8")
    (themes / "nameless.toml").write_text('primary = "#123456"\n', encoding="utf-8")
    (themes / "mine.toml").write_text('name = "mine"\nprimary = "#AA5500"\ndark = false\n', encoding="utf-8")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        theme_notices = [n.message for n in app._notifications if "theme file" in n.message]
        assert len(theme_notices) == 1
        assert "2 theme files were skipped" in theme_notices[0]
        assert str(themes / "broken.toml") in theme_notices[0] and str(themes / "nameless.toml") in theme_notices[0]
        assert "mine" in app.available_themes
        assert "broken" not in app.available_themes


@pilot_test
async def test_a_theme_chosen_in_the_palette_is_used_again_after_a_restart() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "bytechat-dark"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme: bytechat-paper")
        await until(pilot, lambda: "theme: bytechat-paper" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: app.theme == "bytechat-paper")
    assert load_state().theme == "bytechat-paper"
    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "bytechat-paper"


@pilot_test
async def test_the_config_theme_is_used_and_an_unknown_one_is_a_notice() -> None:
    write_config('theme = "bytechat-amber"\n')
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "bytechat-amber"
    write_config('theme = "no-such-theme"\n')
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "bytechat-dark"
        assert any('"no-such-theme" is not installed' in n.message for n in app._notifications)


# --- Keymap and help ---------------------------------------------------------------------------------


@pilot_test
async def test_escalate_remapped_in_the_config_runs_on_the_new_key_only() -> None:
    write_config('[keybindings]\nescalate = "e"\n')
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await send(pilot, "what is the capital of France?")
        conversation = app.conversation
        assert conversation is not None
        app.set_focus(None)
        await pilot.press("r")
        await pilot.pause()
        assert not any(exchange.escalation_of is not None for exchange in conversation.exchanges)
        await pilot.press("e")
        await until(pilot, lambda: any(exchange.escalation_of is not None for exchange in conversation.exchanges))


@pilot_test
async def test_help_lists_every_id_with_its_remapped_keys() -> None:
    write_config('[keybindings]\nescalate = "e"\nwhy = "f5,ctrl+w"\n')
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.set_focus(None)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = {table.get_row(key)[0]: table.get_row(key)[1] for key in table.rows}
        assert rows["escalate"] == "e"
        assert rows["why"] == "f5 or ctrl+w"
        assert rows["help"] == "f1 or ?"
        assert {"send", "newline", "cancel", "room_panel", "keys", "palette", "new_chat", "copy_answer",
                "copy_code", "quit", "focus_input", "history_prev"} <= set(rows)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@pilot_test
async def test_a_bad_keybinding_is_a_notice_and_the_default_key_stays() -> None:
    write_config('[keybindings]\nescalate = "ctrl+"\nescalte = "x"\n')
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any('escalate = "ctrl+": "ctrl+" is not a key' in m and "escalate keeps r" in m for m in messages)
        assert any('unknown id "escalte" (did you mean "escalate"?)' in m for m in messages)
        assert app.keymap_keys["escalate"] == ("r",)


@pilot_test
async def test_typing_r_in_the_input_types_it_and_does_not_escalate() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await send(pilot, "hello")
        prompt = app.screen.query_one("#prompt")
        prompt.focus()
        await pilot.press("r")
        await pilot.pause()
        assert app.conversation is not None
        assert all(exchange.escalation_of is None for exchange in app.conversation.exchanges)
        assert prompt.text == "r"  # type: ignore[attr-defined]


# --- Palette -----------------------------------------------------------------------------------------


@pilot_test
async def test_the_palette_switches_bots_off_and_rooms_and_remembers_the_bot() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"bot: disable demo-frontier")
        await until(pilot, lambda: "bot: disable demo-frontier" in screen_text(app))
        await pilot.press("enter")
        assert app.conversation is not None
        await until(pilot, lambda: not _bot(app, "demo-frontier").enabled)
        assert not load_state().is_bot_enabled("demo", "demo-frontier")
        # A new conversation in the same room starts with the bot still off.
        await app.switch_room("demo")
        await pilot.pause()
        assert not _bot(app, "demo-frontier").enabled


def _bot(app: ByteChatApp, name: str):  # noqa: ANN202
    assert app.conversation is not None
    return next(bot for bot in app.conversation.room.bots if bot.name == name)


@pilot_test
async def test_the_palette_lists_the_namespaced_commands() -> None:
    write_config(
        'default_room = "main"\n[rooms.main]\nbots = ["nano"]\n[rooms.other]\nbots = ["nano"]\n'
        '[bots.nano]\nprovider = "openai"\nmodel = "gpt-5-nano"\n'
    )
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        from bytechat_tui.ui.commands import palette_commands

        texts = {command.text for command in palette_commands(app)}
        for expected in (
            "room: switch to main",
            "room: switch to other",
            "room: toggle room panel",
            "bot: disable demo-lite",
            "theme: bytechat-light",
            "keys: manage keys",
            "copy: answer",
            "copy: last code block",
            "chat: new chat",
            "help: keys",
        ):
            assert expected in texts
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"room: switch to other")
        await until(pilot, lambda: "room: switch to other" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: app.conversation is not None and app.conversation.room.name == "other")
        assert load_state().last_room == "other"


# --- First run ---------------------------------------------------------------------------------------


@pilot_test
async def test_a_first_run_without_keys_welcomes_and_d_opens_the_demo_room() -> None:
    app = ByteChatApp(None, demo_server=DemoServer(math.inf), ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        text = screen_text(app)
        assert "no keys stored" in text or "cannot be used" in text
        assert "nothing answers at" in text
        await pilot.press("d")
        await until(pilot, lambda: app.conversation is not None and app.conversation.room.name == "demo")
        await send(pilot, "say hi")
        assert app.conversation.exchanges[-1].answer


@pilot_test
async def test_with_a_key_in_the_environment_the_chat_opens_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-" + "x" * 24)
    app = ByteChatApp(None, ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, WelcomeScreen)
        assert app.conversation is not None and app.conversation.room.name == "default"


@pilot_test
async def test_a_configured_room_opens_first_and_the_welcome_follows_when_no_key_is_found(
    memory_keyring: MemoryKeyring,
) -> None:
    write_config('[rooms.main]\nbots = ["nano"]\n[bots.nano]\nprovider = "openai"\nmodel = "gpt-5-nano"\n')
    app = ByteChatApp(None, ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        # The chat first (the keyring is read after the first screen), then the welcome on top of it.
        await until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        chat = app.chat
        assert chat is not None and chat.conversation.room.name == "main"
        conversation = chat.conversation
        await pilot.press("escape")  # continue: back to the same chat, the same conversation
        await until(pilot, lambda: app.screen is chat)
        await pilot.pause()
        assert app.screen_stack[-1] is chat and chat.conversation is conversation


@pilot_test
async def test_a_configured_room_with_a_key_in_the_keyring_stays_on_the_chat(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("bytechat-tui", "openai", "sk-test-" + "y" * 24)
    write_config('[rooms.main]\nbots = ["nano"]\n[bots.nano]\nprovider = "openai"\nmodel = "gpt-5-nano"\n')
    app = ByteChatApp(None, ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not any(worker.group == "rooms" for worker in app.workers))
        await pilot.pause()
        assert app.screen is app.chat and app.chat.conversation.room.name == "main"


@pilot_test
async def test_the_demo_server_stops_when_the_app_exits() -> None:
    server = DemoServer(math.inf)
    app = ByteChatApp(None, demo=True, demo_server=server, ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert server.url is not None
        host, port = server.url.removeprefix("http://").removesuffix("/v1").split(":")
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=2).close()


# --- Room panel --------------------------------------------------------------------------------------


class PanelApp(App[None]):
    def __init__(self, panel: RoomPanel) -> None:
        super().__init__()
        self.panel = panel
        self.toggled: list[tuple[str, bool]] = []

    def compose(self) -> ComposeResult:
        yield self.panel

    def on_room_panel_bot_toggled(self, message: RoomPanel.BotToggled) -> None:
        self.toggled.append((message.bot_name, message.enabled))


@pilot_test
async def test_the_room_panel_marks_keys_and_enter_asks_to_toggle_the_bot() -> None:
    room = demo_room("http://127.0.0.1:9/v1")
    status = {"demo-lite": True, "demo-mid": False, "demo-frontier": True}
    app = PanelApp(RoomPanel(room, status))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = [line for line in screen_text(app).splitlines() if "DEMO" in line]
        assert len(lines) == 3
        assert KEY_OK in lines[0] and KEY_MISSING in lines[1] and KEY_OK in lines[2]
        app.panel.focus()
        app.panel.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.toggled == [("demo-mid", False)]
        # The panel shows what it is given next, not its own guess.
        bots = tuple(bot if bot.name != "demo-mid" else _off(bot) for bot in room.bots)
        app.panel.refresh_room(type(room)(room.name, bots, room.failover, room.origin), status)
        await pilot.pause()
        assert "off" in [line for line in screen_text(app).splitlines() if "sonnet" in line][0]
        await pilot.press("enter")
        await pilot.pause()
        assert app.toggled[-1] == ("demo-mid", True)


def _off(bot):  # noqa: ANN001, ANN202
    from dataclasses import replace

    return replace(bot, enabled=False)


@pilot_test
async def test_the_room_panel_in_the_chat_switches_a_bot_off_for_routing() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.set_focus(None)
        await pilot.press("ctrl+r")
        await pilot.pause()
        panel = app.screen.query_one(RoomPanel)
        assert panel.display
        panel.focus()
        panel.highlighted = 0
        await pilot.press("enter")
        await until(pilot, lambda: not _bot(app, "demo-lite").enabled)
        assert not load_state().is_bot_enabled("demo", "demo-lite")


class BarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusBar()


@pilot_test
async def test_names_in_the_panel_and_the_status_bar_are_shown_literally_never_obeyed() -> None:
    from dataclasses import replace

    markup = "[b]x[/b] [@click=app.quit]y[/]"
    room = demo_room("http://127.0.0.1:9/v1")
    room = replace(room, name=f"{markup}\x1b]52;c;SGVsbG8=\x07", bots=(replace(room.bots[0], display_name=markup),))
    app = PanelApp(RoomPanel(room, {}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert markup in text
        assert "Room [b]x[/b]" in text and "SGVsbG8" not in text
    bar_app = BarApp()
    async with bar_app.run_test(size=SIZE) as pilot:
        bar = bar_app.query_one(StatusBar)
        bar.room_name = room.name
        bar.note = "waits [i]here[/i]"
        bar.spend_usd, bar.saved_usd = 0.0123, -0.5
        await pilot.pause()
        line = screen_text(bar_app).splitlines()
        shown = next(row for row in line if "room" in row)
        assert f"room {markup}" in shown and "SGVsbG8" not in shown
        assert "spent $0.0123" in shown and "+$0.5000 vs the priciest (escalations)" in shown and "waits [i]here[/i]" in shown


@pilot_test
async def test_a_bot_name_with_markup_is_shown_literally_in_the_palette(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-" + "x" * 24)
    write_config(
        '[rooms.main]\nbots = ["nano"]\n'
        '[bots.nano]\nprovider = "openai"\nmodel = "gpt-5-nano"\ndisplay_name = "[b]Nano[/b] [@click=app.quit]go[/]"\n'
    )
    app = ByteChatApp(None, ollama_url=closed_port_url())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"bot: disable nano")
        await until(pilot, lambda: "Stop routing to [b]Nano[/b] [@click=app.quit]go[/]" in screen_text(app))


@pilot_test
async def test_the_saved_escalations_join_the_memory_after_the_first_screen() -> None:
    from bytechat_tui.locations import data_dir
    from bytechat_tui.routing.memory import EscalationMemory, memory_path

    saved = EscalationMemory()
    saved.remember("my rust borrow checker error", escalated=True)
    saved.remember("summarise this email", escalated=False)
    saved.save(memory_path())
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.memory) == 2)
        assert app.conversation is not None and app.conversation.memory is app.memory
        app.memory.remember("a third label, given in this session", escalated=False)
    # Saved back with this session's label after the two loaded ones.
    kept = (data_dir() / "escalations.json").read_text()
    assert "borrow" in kept and "summarise" in kept and "third" in kept


@pilot_test
async def test_the_palette_dial_holds_for_new_chats_and_forgetting_clears_what_r_taught() -> None:
    from bytechat_tui.locations import data_dir
    from bytechat_tui.ui.commands import palette_commands

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = {command.text: command for command in palette_commands(app)}
        commands["routing: dial 35% to the strongest tier"].run()
        await pilot.pause()
        assert app.conversation is not None and app.conversation.strongest_share == 0.35
        await app.run_screen_action("new_chat")
        await pilot.pause()
        assert app.conversation.strongest_share == 0.35
        app.memory.remember("my rust borrow checker error", escalated=True)
        commands["routing: forget what r taught"].run()
        assert len(app.memory) == 0
        app.memory.remember("summarise this email", escalated=False)
    # Saved when the app ends, privately, in the data dir.
    assert "summarise" in (data_dir() / "escalations.json").read_text()
