"""The ByteChat app: themes, the keymap, the palette, and which screen a person sees.

The app holds what outlives a screen: the config, the key store, the remembered state, one HTTP
client, the demo server when the demo room is in use, and the `Conversation` being shown. Screens
render; the app decides which room is open, and routes the palette's and the room panel's requests
(switch room, switch a bot off, change theme) to the conversation and the remembered state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

import httpx
from textual.app import App
from textual.binding import Binding, BindingType

from bytechat_tui.config import Config, load_config
from bytechat_tui.conversation import Conversation
from bytechat_tui.errors import UserError
from bytechat_tui.keys import KeyStore, Secret
from bytechat_tui.providers.discovery import OLLAMA_URL, ollama_bots
from bytechat_tui.replies import key_name, needs_key
from bytechat_tui.room import DEFAULT_ROOM_NAME, Bot, Room, load_room
from bytechat_tui.state import AppState, change_state, load_state
from bytechat_tui.ui.commands import ByteChatCommands
from bytechat_tui.ui.dialogs.keys import KeysDialog
from bytechat_tui.ui.keymap import app_bindings, resolve_keymap
from bytechat_tui.ui.screens.help import HelpScreen
from bytechat_tui.ui.screens.welcome import KeyFindings, WelcomeChoice, WelcomeScreen
from bytechat_tui.ui.themes import load_themes

if TYPE_CHECKING:
    from bytechat_tui.demo import DemoServer

FALLBACK_THEME = "bytechat-dark"


class ByteChatApp(App[None], inherit_bindings=False):
    """`ByteChatApp(room).run()`; `ByteChatApp(None, demo=True)` opens the demo room."""

    CSS_PATH = "app.tcss"
    TITLE = "ByteChat"
    BINDINGS: ClassVar[list[BindingType]] = [
        *app_bindings(),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]
    COMMANDS = {ByteChatCommands}

    def __init__(
        self,
        room: Room | None = None,
        *,
        demo: bool = False,
        config: Config | None = None,
        key_store: KeyStore | None = None,
        demo_server: DemoServer | None = None,
        ollama_url: str = OLLAMA_URL,
    ) -> None:
        """`room` None opens the config's room (the last one used, else its default) or the catalog's.

        `demo_server` replaces the demo's own server (tests pace it faster); `ollama_url` is where a
        local Ollama is looked for when the first run finds no key.
        """
        super().__init__()
        self.config = config if config is not None else load_config()
        self.key_store = key_store if key_store is not None else KeyStore()
        self.demo = demo
        self._room = room
        self._demo_server = demo_server
        self._demo_started = False
        self._ollama_url = ollama_url
        self.http: httpx.AsyncClient | None = None
        self.conversation: Conversation | None = None
        """The conversation on screen; None until the chat opens."""
        keymap = resolve_keymap(self.config.keybindings)
        self.keymap_keys = keymap.keys
        """Each binding id's keys after the user's remap: `ui.keymap.keys_for` reads it."""
        self._keymap_overrides = keymap.overrides
        self._notices: list[str] = list(keymap.problems)
        themes = load_themes()
        for theme in themes.themes:
            self.register_theme(theme)
        self.own_themes = [theme.name for theme in themes.themes]
        """ByteChat's shipped themes and the user's, in file order (the palette lists them first)."""
        if (notice := themes.notice()) is not None:
            self._notices.append(notice)
        # Set before the first frame, so the app never flashes Textual's default theme.
        self._theme_ready = False
        self.theme = self._initial_theme()
        self._theme_ready = True

    # --- Start and stop ---------------------------------------------------------------------------

    async def on_mount(self) -> None:
        self.set_keymap(self._keymap_overrides)
        for notice in self._notices:
            self.notify(notice, severity="warning", timeout=12, markup=False)
        self.http = httpx.AsyncClient()
        if self.demo:
            await self.open_demo()
            return
        try:
            room = self._room if self._room is not None else self._remembered_room()
        except UserError as error:
            self.notify(str(error), severity="error", markup=False, timeout=15)
            room = load_room(DEFAULT_ROOM_NAME)
        room, findings = await self._look_for_keys(room)
        self._room = room
        if findings.any_key or (room.origin == "config" and not _needs_any_key(room)):
            await self.show_chat(room)
        else:
            await self.push_screen(WelcomeScreen(findings), self._after_welcome)

    async def on_unmount(self) -> None:
        if self._demo_server is not None and self._demo_started:
            await self._demo_server.stop()
        if self.http is not None:
            await self.http.aclose()

    def _remembered_room(self) -> Room:
        last = load_state().last_room
        return load_room(last if last in self.config.rooms else None)

    async def _look_for_keys(self, room: Room) -> tuple[Room, KeyFindings]:
        """The keys found (keyring, environment, a local Ollama); the catalog's room gains local models."""
        entries = await asyncio.to_thread(self.key_store.list)
        any_key = any(entry.found is not None for entry in entries)
        local: list[Bot] = []
        if self.http is not None and (room.origin == "default" or not any_key):
            local = await ollama_bots(self.http, self._ollama_url)
        if room.origin == "default" and local:
            taken = {bot.name for bot in room.bots}
            room = replace(room, bots=room.bots + tuple(bot for bot in local if bot.name not in taken))
        findings = KeyFindings(
            entries=entries,
            keyring_problem=self.key_store.problem,
            ollama_url=self._ollama_url,
            ollama_models=[bot.model for bot in local],
        )
        return room, findings

    # --- Screens ------------------------------------------------------------------------------------

    async def show_chat(self, room: Room) -> None:
        """Open the chat on `room`, replacing the screen shown (a previous chat or the welcome)."""
        from bytechat_tui.ui.screens.chat import ChatScreen

        self.conversation = self._conversation(room)
        screen = ChatScreen(self.conversation, demo=room.origin == "demo")
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    def _conversation(self, room: Room) -> Conversation:
        conversation = Conversation(
            room,
            self.key_for,
            floor_turns=self.config.routing.escalation_floor_turns,
            http=self.http,
        )
        state = load_state()
        for bot in room.bots:
            if not state.is_bot_enabled(room.name, bot.name):
                conversation.set_enabled(bot.name, False)
        return conversation

    def _after_welcome(self, choice: WelcomeChoice | None) -> None:
        if choice == "demo":
            self.run_worker(self.open_demo(), group="rooms", exclusive=True)
        elif choice == "keys":
            self.push_screen(KeysDialog(self.key_store, self._room, self.http), self._after_first_keys)
        else:
            assert self._room is not None
            self.run_worker(self.show_chat(self._room), group="rooms", exclusive=True)

    def _after_first_keys(self, changed: bool | None) -> None:
        """Back from the keys dialog opened by the welcome: the chat if a key is there now, else the welcome."""

        async def next_screen() -> None:
            assert self._room is not None
            room, findings = await self._look_for_keys(self._room)
            self._room = room
            if findings.any_key:
                await self.show_chat(room)
            else:
                await self.push_screen(WelcomeScreen(findings), self._after_welcome)

        self.run_worker(next_screen(), group="rooms", exclusive=True)

    async def open_demo(self) -> None:
        """Start the in-process demo server (once) and open the demo room."""
        from bytechat_tui.demo import DemoServer, demo_room

        if self._demo_server is None:
            self._demo_server = DemoServer()
        url = self._demo_server.url if self._demo_started else None
        if url is None:
            url = await self._demo_server.start()
            self._demo_started = True
        await self.show_chat(demo_room(url))

    # --- Rooms and bots -------------------------------------------------------------------------------

    def room_names(self) -> list[str]:
        """The rooms the palette offers: the config's (or the catalog's default room), and the demo."""
        from bytechat_tui.demo import DEMO_ROOM_NAME

        return list(dict.fromkeys([*(self.config.rooms or [DEFAULT_ROOM_NAME]), DEMO_ROOM_NAME]))

    async def switch_room(self, name: str) -> None:
        """Open the room `name` of the config (a config room named "demo" wins over the demo)."""
        from bytechat_tui.demo import DEMO_ROOM_NAME

        if name == DEMO_ROOM_NAME and name not in self.config.rooms:
            await self.open_demo()
            return
        try:
            room = load_room(name)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if room.origin == "default" and self.http is not None:
            room, _ = await self._look_for_keys(room)
        self._room = room
        self.update_state(lambda state: setattr(state, "last_room", name))
        await self.show_chat(room)

    def set_bot_enabled(self, bot_name: str, enabled: bool) -> None:
        """Switch a bot of the open room on or off for routing; remembered for that room."""
        from bytechat_tui.ui.screens.chat import ChatScreen

        if not isinstance(self.screen, ChatScreen) or not self.screen.set_bot_enabled(bot_name, enabled):
            return
        what = "routed to again" if enabled else "no longer routed to (switch it on in the room panel)"
        self.notify(f"{bot_name} is {what}.", markup=False)

    def _refresh_room_panel(self) -> None:
        """Let the chat show the room as it is now (a bot switched, a key added)."""
        refresh = getattr(self.screen, "refresh_room_panel", None)
        if callable(refresh):
            refresh()

    # --- Keys ---------------------------------------------------------------------------------------

    def key_for(self, bot: Bot) -> Secret | None:
        """The key a bot sends (keyring, then environment): the conversation's key lookup."""
        found = self.key_store.get(key_name(bot))
        return None if found is None else found.secret

    def action_manage_keys(self) -> None:
        if isinstance(self.screen, KeysDialog):
            return
        room = self.conversation.room if self.conversation is not None else self._room
        self.push_screen(KeysDialog(self.key_store, room, self.http), self._after_keys)

    def _after_keys(self, changed: bool | None) -> None:
        if changed:
            self._refresh_room_panel()

    # --- Other actions ------------------------------------------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def run_screen_action(self, action: str) -> None:
        """Run an action of the screen shown (the chat's `copy_answer`, ...), for the palette."""
        if not await self.run_action(f"screen.{action}"):
            self.notify(f"{action.replace('_', ' ')} works in the chat.", markup=False)

    def update_state(self, change: Callable[[AppState], object]) -> None:
        """Change the remembered state on disk (see `state.change_state`); a failure is a notice."""
        try:
            change_state(change)
        except UserError as error:
            self.notify(str(error), severity="warning", markup=False)

    # --- Themes -------------------------------------------------------------------------------------

    def _initial_theme(self) -> str:
        """The theme last chosen in the app, else the config's; a missing one is said, not fatal."""
        for wanted in (load_state().theme, self.config.theme):
            if wanted is None:
                continue
            if wanted in self.available_themes:
                return wanted
            self._notices.append(
                f'The theme "{wanted}" is not installed; using {FALLBACK_THEME}. Themes: '
                f"{', '.join(sorted(self.available_themes))}."
            )
        return FALLBACK_THEME

    def watch_theme(self, theme: str) -> None:
        if self._theme_ready:
            self.update_state(lambda state: setattr(state, "theme", theme))

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """$savings for themes that do not set it (Textual's own): their success colour."""
        theme = self.get_theme(self.theme)
        return {"savings": (theme.success if theme is not None else None) or "#4EBF71"}


def _needs_any_key(room: Room) -> bool:
    return any(needs_key(bot) for bot in room.bots)

