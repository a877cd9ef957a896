"""The chat: the conversation, the message box, the status bar and the room panel.

The screen owns the order of things. A message is routed the moment it is sent (`plan`), shown
with an Answer waiting under it, and asked when the answers before it are done: one answer streams
at a time, in a worker of its own (group "answer"), and messages sent meanwhile wait in `_queue`,
in order, shown as waiting. Esc cancels the streaming worker; the conversation keeps what arrived.

The screen shows one conversation at a time and can be handed another (`show_conversation`: a
resumed one, a new chat, another room): it stops the answers of the one it leaves and says so with
`Left`, so that whoever keeps conversations (the app's history) can close that one's record.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed, WorkerState

from bytechat_tui.conversation import Conversation, Exchange, ExchangeState
from bytechat_tui.errors import UserError
from bytechat_tui.pricing.cost import usd
from bytechat_tui.providers.events import Event
from bytechat_tui.room import Room
from bytechat_tui.state import AppState, change_state, load_state
from bytechat_tui.text_safety import neutralise
from bytechat_tui.ui.collector import collect_young_less_often
from bytechat_tui.ui.widgets.answer import Answer, last_code_block
from bytechat_tui.ui.widgets.chat_log import OPENING_WINDOW, ChatLog
from bytechat_tui.ui.widgets.prompt_input import LARGE_PASTE_CHARACTERS, PromptInput
from bytechat_tui.ui.widgets.room_panel import RoomPanel
from bytechat_tui.ui.widgets.routing_line import bot_label
from bytechat_tui.ui.widgets.status_bar import StatusBar
from bytechat_tui.ui.widgets.why_panel import WhyPanel

if TYPE_CHECKING:
    from bytechat_tui.routing.router import Route

DEMO_NOTICE = "Demo room: answers come from a server inside this app, priced as real models; no key, no network, no cost."


def estimate_line(route: Route) -> Content:
    """`≈ 262,144 tokens in this message (… with the chat so far) · Lite would answer for ≈ $0.0262
    ($1.31 on Opus) · Enter sends`: shown before a large paste is sent."""
    assessment = route.assessment
    return Content(
        f"≈ {assessment.message_tokens:,} tokens in this message ({assessment.input_tokens:,} with the chat so far)"
        f" · {bot_label(route.chosen.bot)} would answer for ≈ {usd(route.chosen.cost_usd)}"
        f" ({usd(route.priciest.cost_usd)} on {bot_label(route.priciest.bot)}) · Enter sends"
    )


class ChatScreen(Screen[None]):
    """Chat with the conversation's room.

    The screen has no bindings of its own: the app's keymap binds `screen.escalate`, `screen.cancel`
    and the other actions below by id (`ui.keymap`), and the palette runs them by name.
    """

    DEFAULT_CSS = """
    ChatScreen {
        layout: vertical;
        & > #notice, & > #estimate { height: auto; padding: 0 2; display: none; }
        & > #notice { color: $text-warning; }
        & > #estimate { color: $text-muted; }
        & > #notice.-shown, & > #estimate.-shown { display: block; }
        & > RoomPanel { display: none; }
        & > RoomPanel.-shown { display: block; }
    }
    """

    @dataclass
    class Left(Message):
        """The screen no longer shows `conversation`, and none of its answers runs any more."""

        chat: ChatScreen
        conversation: Conversation

        @property
        def control(self) -> ChatScreen:
            return self.chat

    def __init__(
        self,
        conversation: Conversation,
        demo: bool = False,
        *,
        start_new: Callable[[Room], Conversation] | None = None,
    ) -> None:
        """`start_new(room)` gives the conversation a new chat starts (the app's, recorded as a new
        one); without it, a new chat clears this conversation."""
        super().__init__()
        self.conversation = conversation
        self.demo = demo
        self._start_new = start_new
        self._queue: deque[Exchange] = deque()
        """Exchanges planned and shown as waiting, asked in this order."""
        self._streaming: tuple[Exchange, Worker[None]] | None = None
        self._key_status: dict[str, bool] = {}

    def compose(self) -> ComposeResult:
        yield ChatLog(id="chat-log")
        yield Static(id="notice")
        yield Static(id="estimate")
        yield PromptInput(history=load_state().prompt_history, id="prompt")
        yield StatusBar()
        yield RoomPanel(self.conversation.room, self._key_status)

    def on_mount(self) -> None:
        # A resumed conversation opens on its latest few exchanges; older ones mount on scrolling up.
        self.chat_log.load(self.conversation.exchanges, window=OPENING_WINDOW)
        self._update_status()
        if self.demo:
            self.show_notice(DEMO_NOTICE)
        self.prompt.focus()

    @property
    def chat_log(self) -> ChatLog:
        return self.query_one(ChatLog)

    @property
    def prompt(self) -> PromptInput:
        return self.query_one(PromptInput)

    @property
    def waiting(self) -> list[Exchange]:
        """Exchanges waiting their turn, in order."""
        return list(self._queue)

    # Sending.

    def on_prompt_input_submitted(self, message: PromptInput.Submitted) -> None:
        self._show(self.query_one("#estimate", Static), None)
        try:
            exchange = self.conversation.plan(message.text)
        except UserError as error:
            self.show_notice(f"Not sent: {error}.")
            # Give the text back to fix; anything typed since the Enter stays after it.
            self.prompt.insert(message.text, (0, 0))
            return
        self.show_notice(None)
        self._remember(lambda state: state.remember_prompt(message.text))
        self._enqueue(exchange)

    def _enqueue(self, exchange: Exchange) -> None:
        self._queue.append(exchange)
        log = self.chat_log
        answer = log.add(exchange)
        if answer is not None and log.items[-1] is not exchange:
            # An escalation of an earlier answer (one found by a search): it streams under that one.
            log.release_anchor()
            self.call_after_refresh(log.scroll_to_widget, answer, animate=False)
        else:
            log.show_latest()
        self._ask_next()
        self._update_status()

    def _ask_next(self) -> None:
        if self._streaming is None and self._queue:
            exchange = self._queue.popleft()
            self._streaming = (exchange, self._answer(exchange))

    @work(exclusive=True, group="answer")
    async def _answer(self, exchange: Exchange) -> None:
        collect_young_less_often()
        await self.conversation.run(exchange, self._changed)

    def _changed(self, exchange: Exchange, event: Event | None) -> None:
        if not self.is_attached:
            return  # the app is closing: the answer was cancelled with the screen
        answer = self.chat_log.answer_for(exchange)
        if answer is not None:
            answer.sync()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if self._streaming is None or event.worker is not self._streaming[1]:
            return
        if event.state in (WorkerState.SUCCESS, WorkerState.CANCELLED, WorkerState.ERROR):
            exchange = self._streaming[0]
            self._streaming = None
            self._changed(exchange, None)
            self._ask_next()
            self._update_status()

    def _update_status(self) -> None:
        bar = self.query_one(StatusBar)
        bar.room_name = self.conversation.room.name
        bar.spend_usd = self.conversation.spend_usd
        bar.saved_usd = self.conversation.saved_usd
        waiting = len(self._queue)
        if waiting:
            bar.note = f"answer streaming — {waiting} {'message waits' if waiting == 1 else 'messages wait'}"
        elif self._streaming is not None:
            bar.note = "answer streaming — Esc stops it"
        else:
            bar.note = ""

    def _remember(self, change: Callable[[AppState], object]) -> None:
        """Change what the app remembers between runs (prompts, bots switched off), on disk now."""
        try:
            change_state(change)
        except UserError as error:
            self.show_notice(str(error))

    # Notices and the paste estimate.

    def show_notice(self, text: str | None) -> None:
        """A line above the input (a reason a message was not sent, the demo's label); None hides it."""
        self._show(self.query_one("#notice", Static), text)

    @staticmethod
    def _show(line: Static, text: str | Content | None) -> None:
        if text is None:
            line.remove_class("-shown")
            return
        line.update(Content(neutralise(text)) if isinstance(text, str) else text)
        line.add_class("-shown")

    def on_prompt_input_large_paste(self, message: PromptInput.LargePaste) -> None:
        self._estimate(self.prompt.text)

    @work(thread=True, exclusive=True, group="estimate")
    def _estimate(self, text: str) -> None:
        try:
            line: str | Content = estimate_line(self.conversation.estimate(text))
        except UserError as error:
            line = f"Cannot send this yet: {error}."
        self.app.call_from_thread(self._show, self.query_one("#estimate", Static), line)

    @on(PromptInput.Changed, "#prompt")
    def _hide_small_estimate(self) -> None:
        if len(self.prompt.text) <= LARGE_PASTE_CHARACTERS:
            self._show(self.query_one("#estimate", Static), None)

    # Actions (bound by the app's keymap, listed in the palette).

    def action_escalate(self) -> None:
        """Re-ask the strongest bot what the focused answer (or the latest) answered."""
        answer = self._focused_answer()
        try:
            exchange = self.conversation.plan_escalation(answer.exchange if answer is not None else None)
        except UserError as error:
            self.show_notice(f"Cannot escalate: {error}.")
            return
        self._enqueue(exchange)

    def action_cancel(self) -> None:
        """Stop the streaming answer, keeping what arrived. With none streaming, step back: close the
        room panel, or leave the input for the latest answer (so that r, w, y and c reach the screen)."""
        panel = self.query_one(RoomPanel)
        if self._streaming is not None and self._streaming[0].state is ExchangeState.STREAMING:
            self._streaming[1].cancel()
        elif panel.has_class("-shown") and panel.has_focus:
            self.action_toggle_room_panel()
        elif self.prompt.has_focus and (answers := self.chat_log.answers):
            answers[-1].focus(scroll_visible=False)

    def action_toggle_why(self) -> None:
        answer = self._focused_answer() or self._latest_answer()
        if answer is not None:
            answer.toggle_why()
            if answer.why_open:
                panel = answer.query_one(WhyPanel)
                self.call_after_refresh(self.chat_log.scroll_to_widget, panel, animate=False)

    def action_toggle_room_panel(self) -> None:
        panel = self.query_one(RoomPanel)
        if panel.toggle_class("-shown").has_class("-shown"):
            self._check_keys()
            panel.focus()
        else:
            self.prompt.focus()

    def action_copy_answer(self) -> None:
        answer = self._focused_answer() or self._latest_answer()
        if answer is None or not answer.exchange.answer:
            self.app.notify("There is no answer to copy yet.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(neutralise(answer.exchange.answer))
        self.app.notify("Answer copied to the clipboard.", markup=False)

    def action_copy_code(self) -> None:
        answer = self._focused_answer() or self._latest_answer()
        code = last_code_block(neutralise(answer.exchange.answer)) if answer is not None else None
        if code is None:
            self.app.notify("The answer has no code block to copy.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(code)
        self.app.notify("Code block copied to the clipboard.", markup=False)

    async def action_new_chat(self) -> None:
        """Start over in the same room: stop the answer, drop waiting messages, clear the log."""
        await self.stop_answers()
        if self._start_new is None:
            self.conversation.clear()
            await self.show_conversation(self.conversation, demo=self.demo)
        else:
            await self.show_conversation(self._start_new(self.conversation.room), demo=self.demo)

    async def show_conversation(
        self, conversation: Conversation, *, demo: bool = False, at_exchange: int | None = None, at_message: bool = True
    ) -> None:
        """Show `conversation` (resumed, new, or this one again), its latest messages or, with
        `at_exchange`, that exchange found and focused. The one left has its answers stopped first."""
        if conversation is not self.conversation:
            await self.stop_answers()
            previous, self.conversation = self.conversation, conversation
            self.post_message(self.Left(self, previous))
            answer = self.chat_log.load(
                conversation.exchanges, window=OPENING_WINDOW, around=at_exchange, message=at_message
            )
            self.refresh_room_panel()
        elif at_exchange is not None:
            answer = self.chat_log.reveal(at_exchange, message=at_message)
        else:
            answer = self.chat_log.load(conversation.exchanges, window=OPENING_WINDOW)
        self.demo = demo
        self.show_notice(DEMO_NOTICE if demo else None)
        self._update_status()
        if answer is not None:
            answer.focus(scroll_visible=False)
        else:
            self.prompt.focus()

    async def stop_answers(self) -> None:
        """Stop the streaming answer (kept as cut) and drop the waiting messages; wait until it has stopped."""
        self._queue.clear()
        streaming, self._streaming = self._streaming, None
        if streaming is not None:
            worker = streaming[1]
            worker.cancel()
            try:
                await worker.wait()  # the conversation ends the exchange as cut, and its record with it
            except (WorkerCancelled, WorkerFailed):
                pass
        self._update_status()

    def action_focus_input(self) -> None:
        self.prompt.focus()

    def _focused_answer(self) -> Answer | None:
        focused = self.focused
        if focused is None:
            return None
        return next((node for node in focused.ancestors_with_self if isinstance(node, Answer)), None)

    def _latest_answer(self) -> Answer | None:
        """The answer of the latest exchange that has some text or has ended."""
        for exchange in reversed(self.chat_log.items):
            if exchange.answer or exchange.state is not ExchangeState.QUEUED:
                return self.chat_log.answer_for(exchange)
        return None

    # The room panel.

    def on_room_panel_bot_toggled(self, message: RoomPanel.BotToggled) -> None:
        self.set_bot_enabled(message.bot_name, message.enabled)

    def set_bot_enabled(self, bot_name: str, enabled: bool) -> bool:
        """Switch a bot of the room on or off for routing, remembered for the room; False if it is not there."""
        try:
            self.conversation.set_enabled(bot_name, enabled)
        except UserError as error:
            self.show_notice(str(error))
            return False
        room = self.conversation.room.name
        self._remember(lambda state: state.set_bot_enabled(room, bot_name, enabled))
        self.refresh_room_panel()
        return True

    def refresh_room_panel(self) -> None:
        """Show the room as it is now (after a bot was switched, or a key added)."""
        self.query_one(RoomPanel).refresh_room(self.conversation.room, self._key_status)
        self._check_keys()

    @work(thread=True, exclusive=True, group="keys")
    def _check_keys(self) -> None:
        status = {bot.name: self.conversation.has_key(bot) for bot in self.conversation.room.bots}
        self.app.call_from_thread(self._keys_checked, status)

    def _keys_checked(self, status: dict[str, bool]) -> None:
        self._key_status = status
        self.query_one(RoomPanel).refresh_room(self.conversation.room, status)
