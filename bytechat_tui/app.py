"""The ByteChat app: themes, the keymap, the palette, and which screen a person sees.

The app holds what outlives a screen: the config, the key store, the remembered state, one HTTP
client, the demo server when the demo room is in use, the history, and the `Conversation` being
shown. Screens render; the app decides which room is open, and routes the palette's and the room
panel's requests (switch room, switch a bot off, change theme) to the conversation and the
remembered state.

History: the app opens it before the first chat and gives every conversation a `HistoryRecorder`
(a new chat is a new conversation; a resumed one goes on recording into itself), closed when the
chat leaves it or the app exits. The recorder writes from a thread of its own, so streaming never
waits on the disk. Without a usable history (an unwritable data dir) the chat works unrecorded,
after one notice saying so.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Literal

from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from bytechat_tui.config import Config, load_config
from bytechat_tui.conversation import Conversation
from bytechat_tui.errors import UserError
from bytechat_tui.keys import KeyStore, Secret, env_key
from bytechat_tui.providers.discovery import OLLAMA_URL, joined, ollama_bots, with_local_models
from bytechat_tui.providers.shared_client import SharedClient
from bytechat_tui.replies import key_name, needs_key
from bytechat_tui.room import DEFAULT_ROOM_NAME, DEMO_ROOM_NAME, Bot, Room, load_room, names_demo_room
from bytechat_tui.routing.memory import EscalationMemory, memory_path
from bytechat_tui.state import AppState, change_state, load_state
from bytechat_tui.ui.history_keeper import ExportFormat, HistoryKeeper, stored_id
from bytechat_tui.ui.keymap import app_bindings, resolve_keymap
from bytechat_tui.ui.themes import load_themes
from bytechat_tui.vendors import VENDORS

if TYPE_CHECKING:
    from textual.command import Provider

    from bytechat_tui.conversation import Exchange
    from bytechat_tui.demo import DemoServer
    from bytechat_tui.storage import Hit, History
    from bytechat_tui.ui.screens.chat import ChatScreen
    from bytechat_tui.ui.screens.conversations import ConversationsScreen
    from bytechat_tui.ui.screens.welcome import KeyFindings, WelcomeChoice

FALLBACK_THEME = "bytechat-dark"


def _palette() -> type[Provider]:
    """The palette's commands, imported when the palette first opens, not before the first screen."""
    from bytechat_tui.ui.commands import ByteChatCommands

    return ByteChatCommands


class ByteChatApp(App[None], inherit_bindings=False):
    """`ByteChatApp(room).run()`; `ByteChatApp(None, demo=True)` opens the demo room."""

    CSS_PATH = "app.tcss"
    TITLE = "ByteChat"
    BINDINGS: ClassVar[list[BindingType]] = [
        *app_bindings(),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]
    COMMANDS = {_palette}

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
        self.http = SharedClient()
        self.memory = EscalationMemory()
        """What the user's `r` presses taught routing: the saved labels join it in the background
        right after the first screen (a full memory takes ~20 ms to index); saved at the end."""
        self._memory_settled = False
        """The saved labels have joined `memory` (or were forgotten first): only then is it saved."""
        self.strongest_share = self.config.routing.strongest_share
        """The thrift ↔ quality dial: config's setting, or the palette's for this session."""
        self.history_keeper = HistoryKeeper(self._history_problem)
        """The history (None when it cannot be used: the chat then goes unrecorded) and its recorders."""
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
        # On this thread: opening the history is a few milliseconds of CPU (WAL, no fsync), and
        # in a thread it only contended for the GIL with start-up's imports: the first screen came
        # ~10 ms later, and later still at the slow end.
        self.history_keeper.open()
        self._history_opened()
        # Not awaited here: on_mount runs inside Textual's start-up batch, where a frame is laid out
        # but never written, so the first written frame held only what changed after it (the input
        # came one refresh, 1/60 s, later). Opened after the batch, the first frame is whole.
        self.call_later(self._open_first_screen)

    async def _open_first_screen(self) -> None:
        await self._show_first_screen()
        self.call_after_refresh(self._warm_up)

    async def _show_first_screen(self) -> None:
        """The demo, or the chat of the room found (the welcome over it when no key is found)."""
        if self.demo:
            await self.open_demo()
            return
        try:
            room = self._room if self._room is not None else self._remembered_room()
        except UserError as error:
            self.notify(str(error), severity="error", markup=False, timeout=15)
            room = load_room(DEFAULT_ROOM_NAME)
        keyed = any(env_key(name) is not None for name in VENDORS)
        if keyed or room.origin == "config":
            # Set up already (a key in the environment, or a room of the config): the chat opens
            # now. The keyring, ~60 ms to import before it is even asked over D-Bus, is read after
            # the first screen; a configured room with no key anywhere then gets the welcome on top.
            if room.origin == "default":
                room = await with_local_models(room, self.http, self._ollama_url)
            self._room = room
            await self.show_chat(room)
            if not keyed and _needs_any_key(room):
                self.run_worker(self._welcome_if_keyless(room), group="rooms")
            return
        room, findings = await self._look_for_keys(room)
        self._room = room
        if findings.any_key:
            await self.show_chat(room)
        else:
            await self._welcome(findings)

    async def _welcome_if_keyless(self, room: Room) -> None:
        _, findings = await self._look_for_keys(room)
        if not findings.any_key:
            await self._welcome(findings)

    def _warm_up(self) -> None:
        """Once the first screen is drawn, make in a thread what the first answer will need."""
        if not gc.isenabled():
            # `bytechat` started with the collector off: what start-up made lives as long as the
            # app, so it is frozen out of every later collection, which then walks far fewer objects.
            gc.collect()
            gc.freeze()
            gc.enable()
        self.run_worker(self._prepare_first_answer, thread=True, group="warm-up")

    def _prepare_first_answer(self) -> EscalationMemory:
        # The HTTP client (httpx and a TLS context), the protocol code, the Markdown widget, the
        # router and the saved escalations cost over 150 ms between them: paid here, they delay
        # neither the first screen nor the first answer.
        self.http.get()
        self.key_store.prepare()
        for module in ("providers.client", "ui.widgets.answer_part", "routing.router", "routing.dial"):
            importlib.import_module(f"bytechat_tui.{module}")
        return EscalationMemory.load(memory_path())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "warm-up" and event.state is WorkerState.SUCCESS and not self._memory_settled:
            self.memory.take_older(event.worker.result)
            self._memory_settled = True

    async def on_unmount(self) -> None:
        # The chat's answers were cancelled with its screen: each record ends what it heard.
        await asyncio.to_thread(self.history_keeper.close)
        if self._memory_settled:  # else saving would write over the labels not loaded yet
            try:
                await asyncio.to_thread(self.memory.save, memory_path())
            except OSError:
                pass  # only a hint for routing: losing this session's labels is no reason to fail quitting
        if self._demo_server is not None and self._demo_started:
            await self._demo_server.stop()
        await self.http.aclose()

    def forget_escalations(self) -> None:
        self.memory.clear()
        self._memory_settled = True  # the saved labels, still loading, are forgotten too
        self.notify("Routing forgot what r taught it: it now decides on the classifier alone.", markup=False)

    def set_strongest_share(self, share: float) -> None:
        """Turn the thrift ↔ quality dial for this session (config's [routing] strongest_share keeps it)."""
        self.strongest_share = share
        if self.conversation is not None:
            self.conversation.strongest_share = share
        self.notify(
            f"About {share:.0%} of messages now go to the room's strongest tier; set [routing] strongest_share "
            "in config.toml to keep it.",
            markup=False,
        )

    def _remembered_room(self) -> Room:
        last = load_state().last_room
        return load_room(last if last in self.config.rooms else None)

    async def _look_for_keys(self, room: Room) -> tuple[Room, KeyFindings]:
        """The keys found (keyring, environment, a local Ollama); the catalog's room gains local models."""
        from bytechat_tui.ui.screens.welcome import KeyFindings

        entries = await asyncio.to_thread(self.key_store.list)
        any_key = any(entry.found is not None for entry in entries)
        local: list[Bot] = []
        if room.origin == "default" or not any_key:
            local = await ollama_bots(self.http, self._ollama_url)
        if room.origin == "default":
            room = joined(room, local)
        findings = KeyFindings(
            entries=entries,
            keyring_problem=self.key_store.problem,
            ollama_url=self._ollama_url,
            ollama_models=[bot.model for bot in local],
        )
        return room, findings

    # --- Screens ------------------------------------------------------------------------------------

    @property
    def chat(self) -> ChatScreen | None:
        """The chat screen, under whatever dialog is shown; None before the chat opens."""
        from bytechat_tui.ui.screens.chat import ChatScreen

        return next((screen for screen in reversed(self.screen_stack) if isinstance(screen, ChatScreen)), None)

    @property
    def conversation(self) -> Conversation | None:
        """The conversation on screen; None until the chat opens."""
        chat = self.chat
        return None if chat is None else chat.conversation

    async def show_chat(self, room: Room) -> None:
        """A new conversation in `room`, in the chat (replacing the welcome when it is shown)."""
        await self.show_conversation(self._conversation(room))

    async def show_conversation(
        self, conversation: Conversation, at_exchange: int | None = None, at_message: bool = True
    ) -> None:
        from bytechat_tui.ui.screens.chat import ChatScreen

        demo = conversation.room.origin == "demo"
        chat = self.chat
        if chat is not None:
            await chat.show_conversation(conversation, demo=demo, at_exchange=at_exchange, at_message=at_message)
            return
        screen = ChatScreen(conversation, demo=demo, start_new=self._conversation)
        if len(self.screen_stack) > 1:
            await self.switch_screen(screen)
        else:
            await self.push_screen(screen)

    def _conversation(
        self, room: Room, exchanges: list[Exchange] | None = None, conversation_id: int | None = None
    ) -> Conversation:
        """A conversation in `room` (new, or resuming `exchanges` of stored `conversation_id`), recorded."""
        recorder = self.history_keeper.recorder(room.name, conversation_id)
        conversation = Conversation(
            room,
            self.key_for,
            floor_turns=self.config.routing.escalation_floor_turns,
            http=self.http,
            recorder=recorder,
            exchanges=exchanges,
            strongest_share=self.strongest_share,
            memory=self.memory,
        )
        state = load_state()
        for bot in room.bots:
            if not state.is_bot_enabled(room.name, bot.name):
                conversation.set_enabled(bot.name, False)
        return conversation

    async def _welcome(self, findings: KeyFindings) -> None:
        from bytechat_tui.ui.screens.welcome import WelcomeScreen

        await self.push_screen(WelcomeScreen(findings), self._after_welcome)

    def _after_welcome(self, choice: WelcomeChoice | None) -> None:
        from bytechat_tui.ui.dialogs.keys import KeysDialog

        if choice == "demo":
            self.run_worker(self.open_demo(), group="rooms", exclusive=True)
        elif choice == "keys":
            self.push_screen(KeysDialog(self.key_store, self._room, self.http), self._after_first_keys)
        elif self.chat is None:  # else the welcome came on top of the chat, which stays as it was
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
                await self._welcome(findings)

        self.run_worker(next_screen(), group="rooms", exclusive=True)

    async def open_demo(self) -> None:
        """Start the in-process demo server (once) and open the demo room."""
        from bytechat_tui.demo import demo_room

        await self.show_chat(demo_room(await self._demo_url()))

    async def _demo_url(self) -> str:
        """The demo server's base URL, started on first use."""
        from bytechat_tui.demo import DemoServer

        if self._demo_server is None:
            self._demo_server = DemoServer()
        url = self._demo_server.url if self._demo_started else None
        if url is None:
            url = await self._demo_server.start()
            self._demo_started = True
        return url

    # --- Rooms and bots -------------------------------------------------------------------------------

    def room_names(self) -> list[str]:
        """The rooms the palette offers: the config's (or the catalog's default room), and the demo."""
        return list(dict.fromkeys([*(self.config.rooms or [DEFAULT_ROOM_NAME]), DEMO_ROOM_NAME]))

    async def switch_room(self, name: str) -> None:
        """A new chat in the room `name` of the config (a config room named "demo" wins over the demo)."""
        try:
            room = await self._room_named(name)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if room.origin != "demo":
            self._room = room
            self.update_state(lambda state: setattr(state, "last_room", name))
        await self.show_chat(room)

    async def _room_named(self, name: str) -> Room:
        """The room `name` as it is now: the one open, the demo, the config's; UserError if there is none."""
        from bytechat_tui.demo import demo_room

        current = self.conversation.room if self.conversation is not None else self._room
        if current is not None and current.name == name:
            return current
        if names_demo_room(name, self.config):
            return demo_room(await self._demo_url())
        room = load_room(name)
        return (await self._look_for_keys(room))[0] if room.origin == "default" else room

    def set_bot_enabled(self, bot_name: str, enabled: bool) -> None:
        """Switch a bot of the open room on or off for routing; remembered for that room."""
        chat = self.chat
        if chat is None or not chat.set_bot_enabled(bot_name, enabled):
            return
        what = "routed to again" if enabled else "no longer routed to (switch it on in the room panel)"
        self.notify(f"{bot_name} is {what}.", markup=False)

    def _refresh_room_panel(self) -> None:
        """Let the chat show the room as it is now (a bot switched, a key added)."""
        refresh = getattr(self.screen, "refresh_room_panel", None)
        if callable(refresh):
            refresh()

    # --- History ------------------------------------------------------------------------------------

    def _history_opened(self) -> None:
        """Say what opening the history found (a file set aside); trouble is one notice, never fatal."""
        if self.history_keeper.notice is not None:
            self.notify(f"History: {self.history_keeper.notice}.", severity="warning", timeout=20, markup=False)
        if self.history is not None:
            # Writer threads note their failures (a full disk); the notice comes at the UI's pace.
            self.set_interval(1.0, self.history_keeper.check)

    @property
    def history(self) -> History | None:
        return self.history_keeper.history

    def on_chat_screen_left(self, message: ChatScreen.Left) -> None:
        """The chat left a conversation, its answers stopped: its record is complete, close it."""
        recorder = message.conversation.recorder
        if self.history_keeper.owns(recorder):
            self.run_worker(asyncio.to_thread(self.history_keeper.close_recorder, recorder), group="history")

    def current_conversation_id(self) -> int | None:
        """The history's id of the conversation on screen; None before its first message is kept."""
        return None if self.conversation is None else stored_id(self.conversation)

    def action_conversations(self) -> None:
        from bytechat_tui.ui.screens.conversations import ConversationsScreen

        if not self._close_history_screen(ConversationsScreen) and (history := self._usable_history()):
            self.push_screen(ConversationsScreen(history, self.current_conversation_id()), self._after_conversations)

    def action_search(self) -> None:
        from bytechat_tui.ui.screens.search import SearchScreen

        if not self._close_history_screen(SearchScreen) and (history := self._usable_history()):
            self.push_screen(SearchScreen(history), self._after_search)

    def action_savings(self) -> None:
        from bytechat_tui.ui.screens.savings import SavingsScreen

        if not self._close_history_screen(SavingsScreen) and (history := self._usable_history()):
            self.push_screen(SavingsScreen(history))

    def _usable_history(self) -> History | None:
        if self.history is None:
            self.notify("The history could not be opened this session (see the notice at start).", markup=False)
        return self.history

    def _close_history_screen(self, wanted: type) -> bool:
        """Close the history screen shown, if one is; True if it was `wanted` (its key toggles it)."""
        from bytechat_tui.ui.screens.conversations import ConversationsScreen
        from bytechat_tui.ui.screens.savings import SavingsScreen
        from bytechat_tui.ui.screens.search import SearchScreen

        shown = self.screen
        if not isinstance(shown, (ConversationsScreen, SearchScreen, SavingsScreen)):
            return False
        self.pop_screen()
        return isinstance(shown, wanted)

    def _after_conversations(self, choice: int | Literal["new"] | None) -> None:
        if choice == "new":
            self.run_worker(self.new_chat(), group="rooms", exclusive=True)
        elif isinstance(choice, int):
            self.run_worker(self.open_conversation(choice), group="rooms", exclusive=True)

    def _after_search(self, hit: Hit | None) -> None:
        if hit is not None:
            opening = self.open_conversation(hit.conversation_id, hit.exchange, at_message=hit.role == "user")
            self.run_worker(opening, group="rooms", exclusive=True)

    def on_conversations_screen_deleted(self, message: ConversationsScreen.Deleted) -> None:
        """The conversation on screen was deleted: whatever is said next starts a new one."""
        if message.conversation_id == self.current_conversation_id():
            self.run_worker(self.new_chat(), group="rooms", exclusive=True)

    async def new_chat(self) -> None:
        chat = self.chat
        if chat is not None:
            await chat.action_new_chat()
        elif self._room is not None:
            await self.show_chat(self._room)

    async def open_conversation(
        self, conversation_id: int, at_exchange: int | None = None, at_message: bool = True
    ) -> None:
        """Resume a stored conversation in its room (at one exchange, for a search result).

        Its exchanges come back as they were (routing lines, escalations, cut answers) and are the
        context of the next message; a room that no longer exists is replaced by the current one.
        """
        conversation = self.conversation
        if self.history is None:
            return
        if conversation is not None and conversation_id == self.current_conversation_id():
            if at_exchange is not None:  # a search result in the chat on screen: just go there
                await self.show_conversation(conversation, at_exchange, at_message)
            return
        try:
            room_name, exchanges = await asyncio.to_thread(self.history.load_conversation, conversation_id)
        except UserError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        try:
            room = await self._room_named(room_name)
        except UserError:
            room = conversation.room if conversation is not None else load_room(DEFAULT_ROOM_NAME)
            notice = f'The room "{room_name}" of this conversation no longer exists; it goes on in "{room.name}".'
            self.notify(notice, severity="warning", markup=False, timeout=12)
        await self.show_conversation(self._conversation(room, exchanges, conversation_id), at_exchange, at_message)

    async def export_conversation(self, form: ExportFormat) -> None:
        """Write the conversation on screen as `bytechat export` does, to a new file; say where."""
        if self.conversation is None:
            return
        try:
            path = await asyncio.to_thread(self.history_keeper.export, self.conversation, form)
        except UserError as error:
            self.notify(f"Not exported: {error}.", severity="warning", markup=False)
            return
        self.notify(f"Exported to {path}", markup=False, timeout=12)

    # --- Keys ---------------------------------------------------------------------------------------

    def _history_problem(self, sentence: str) -> None:
        self.notify(sentence, severity="warning", timeout=20, markup=False)  # thread-safe

    def key_for(self, bot: Bot) -> Secret | None:
        """The key a bot sends (keyring, then environment): the conversation's key lookup."""
        found = self.key_store.get(key_name(bot))
        return None if found is None else found.secret

    def action_manage_keys(self) -> None:
        from bytechat_tui.ui.dialogs.keys import KeysDialog

        if isinstance(self.screen, KeysDialog):
            return
        room = self.conversation.room if self.conversation is not None else self._room
        self.push_screen(KeysDialog(self.key_store, room, self.http), self._after_keys)

    def _after_keys(self, changed: bool | None) -> None:
        if changed:
            self._refresh_room_panel()

    # --- Other actions ------------------------------------------------------------------------------

    def action_help(self) -> None:
        from bytechat_tui.ui.screens.help import HelpScreen

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

