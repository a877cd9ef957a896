"""The history in the app: recording, the conversation list, resume, search, export, savings.

The real `ByteChatApp` with Pilot at 120x40, a real SQLite history in the test's own data dir
(tests/conftest.py), and answers from the demo room's in-process server or a `tests/loopback.py`
server where a test needs to see what was sent. What is asserted is what a person sees (screen
text, the rows of the list) and what the history file holds afterwards.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, redirect_stdout
from pathlib import Path

import pytest
from loopback import LoopbackServer, loopback  # noqa: F401 - `loopback` is a fixture
from test_chat_screen import (
    SIZE,
    answer_widget,
    answered,
    chat_order,
    line_text,
    paste,
    run,
    screen_text,
    send,
    sse_answer,
    wait_until,
)
from textual.containers import Vertical, VerticalScroll
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from bytechat_tui.app import ByteChatApp
from bytechat_tui.cli import main as bytechat
from bytechat_tui.conversation import Conversation, ExchangeState
from bytechat_tui.demo import DemoServer, demo_room
from bytechat_tui.pricing.cost import usd
from bytechat_tui.storage import History, history_path
from bytechat_tui.storage.recorder import HistoryRecorder
from bytechat_tui.ui.dialogs.confirm import ConfirmDialog
from bytechat_tui.ui.screens.chat import ChatScreen
from bytechat_tui.ui.screens.conversations import ConversationsScreen
from bytechat_tui.ui.screens.savings import SavingsScreen
from bytechat_tui.ui.screens.search import SearchScreen
from bytechat_tui.ui.widgets.answer import Answer
from bytechat_tui.ui.widgets.chat_log import WINDOW
from bytechat_tui.ui.widgets.user_message import UserMessage

MARKUP = "[bold red]loud[/] [@click=app.quit]quit[/] [link=x]l[/link]"
"""Rich/Textual markup a stored title or message might hold: it must be shown, never obeyed."""


@asynccontextmanager
async def demo_app(**options: object) -> AsyncIterator[tuple[ByteChatApp, Pilot[None]]]:
    """`bytechat --demo`, its answers as fast as the server can write them, once the chat is shown."""
    app = ByteChatApp(demo=True, demo_server=DemoServer(tokens_per_second=math.inf), **options)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen), "the chat opened")
        yield app, pilot


def chat(app: ByteChatApp) -> ChatScreen:
    assert app.chat is not None
    return app.chat


async def say(pilot: Pilot[None], app: ByteChatApp, text: str) -> None:
    """Send `text` and wait for its answer (and any before it) to be shown whole."""
    count = len(chat(app).conversation.exchanges) + 1
    await send(pilot, text)
    await answered(pilot, app, count)


async def opened(pilot: Pilot[None], app: ByteChatApp, kind: type) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, kind), f"{kind.__name__} is shown")
    await pilot.pause()


async def list_loaded(pilot: Pilot[None], app: ByteChatApp) -> ConversationsScreen:
    await opened(pilot, app, ConversationsScreen)
    screen = app.screen
    assert isinstance(screen, ConversationsScreen)
    await wait_until(pilot, lambda: screen.table.row_count == len(screen.summaries) > 0, "the list was read")
    return screen


def list_rows(screen: ConversationsScreen) -> list[list[str]]:
    table: DataTable[object] = screen.table
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def stored() -> History:
    """The history file as another process (`bytechat history`) would open it."""
    return History.open()


async def back_to_chat(pilot: Pilot[None], app: ByteChatApp) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen), "the chat is shown again")
    await pilot.pause()


# --- Recording and the list ------------------------------------------------------------------------


def test_chats_are_recorded_as_they_happen_and_listed_newest_first_with_spend_and_saving() -> None:
    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            await say(pilot, app, "What is the capital of France?")
            first = app.current_conversation_id()
            assert first is not None
            with stored() as history:  # recorded already, while the app runs
                (_room, (exchange,)) = history.load_conversation(first)
                assert exchange.text == "What is the capital of France?" and exchange.state is ExchangeState.DONE
            await pilot.press("ctrl+n")  # a new chat is a new conversation
            await pilot.pause()
            await say(pilot, app, "Write a python function that counts words")
            second = app.current_conversation_id()
            assert second is not None and second != first
            await pilot.press("ctrl+o")
            screen = await list_loaded(pilot, app)
            with stored() as history:
                summaries = history.conversations()
            rows = list_rows(screen)
            assert [row[1] for row in rows] == ["Write a python function that counts words", "What is the capital of France?"]
            assert [row[0] for row in rows] == ["●", ""]  # the one on screen
            for row, summary in zip(rows, summaries):
                assert row[3:] == [str(summary.messages), usd(summary.spend_usd), usd(summary.saved_usd)]
                assert summary.saved_usd > 0
            await pilot.press("ctrl+o")  # the same key closes it
            await back_to_chat(pilot, app)
        # Quitting closed the recorders: nothing is left unfinished, no writer lingers.
        with stored() as history:
            assert [len(history.load_conversation(s.id)[1]) for s in history.conversations()] == [1, 1]
        assert list(history_path().with_name("history.sqlite3.writers").iterdir()) == []

    run(scenario)


def test_an_answer_streaming_at_exit_is_kept_as_cut() -> None:
    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            server = app._demo_server
            assert server is not None
            server.tokens_per_second = 5
            await send(pilot, "@demo-frontier Write a python function that counts words")
            exchange = chat(app).conversation.exchanges[0]
            await wait_until(pilot, lambda: len(exchange.answer) > 10, "the answer began")
        with stored() as history:
            (summary,) = history.conversations()
            _room, (kept,) = history.load_conversation(summary.id)
        assert kept.state is ExchangeState.CUT and kept.answer and exchange.answer.startswith(kept.answer)

    run(scenario)


def test_a_damaged_history_file_is_set_aside_with_a_notice_and_a_new_one_records() -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database, just bytes" * 100)

    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            notices = [notification.message for notification in app._notifications]
            assert any(m.startswith("History: the history file") and "moved, untouched" in m for m in notices), notices
            await say(pilot, app, "hello")
        with stored() as history:
            assert [summary.title for summary in history.conversations()] == ["hello"]
        assert [p.name for p in path.parent.iterdir() if ".corrupt-" in p.name]

    run(scenario)


def test_an_unwritable_data_dir_is_one_notice_and_the_chat_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the data dir should be")
    monkeypatch.setenv("BYTECHAT_DATA_DIR", str(blocker / "data"))

    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            await say(pilot, app, "hello")
            await say(pilot, app, "hello again")
            assert [e.state for e in chat(app).conversation.exchanges] == [ExchangeState.DONE] * 2
            history_notices = [n.message for n in app._notifications if "history" in n.message]
            assert len(history_notices) == 1 and "not kept in the history" in history_notices[0]
            app.set_focus(None)
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert isinstance(app.screen, ChatScreen)  # no list without a history, a sentence instead

    run(scenario)


# --- Resume ----------------------------------------------------------------------------------------


def two_bot_room(server: LoopbackServer) -> None:
    """config.toml: room "loop" of a cheap and a strong bot, both answered by `server`."""
    config = Path(os.environ["BYTECHAT_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    bots = ""
    for name, tier, price in (("cheap", 1, 0.1), ("strong", 5, 10.0)):
        bots += (
            f'[bots.{name}]\nprovider = "openai-compatible"\nmodel = "{name}-model"\n'
            f'base_url = "{server.url}/v1"\ntier = {tier}\nprice_in = {price}\nprice_out = {price * 4}\n'
        )
    (config / "config.toml").write_text(f'default_room = "loop"\n[rooms.loop]\nbots = ["cheap", "strong"]\n{bots}')


def test_resume_restores_routing_lines_and_escalations_and_continues_with_the_context(
    loopback: LoopbackServer,
) -> None:
    two_bot_room(loopback)
    loopback.queue(
        sse_answer("Paris, ", "I think."),
        sse_answer("Paris ", "is the capital."),
        sse_answer("Unrelated ", "answer."),
        sse_answer("It has the Louvre."),
    )

    async def scenario() -> None:
        app = ByteChatApp()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ChatScreen), "the chat opened")
            await say(pilot, app, "What is the capital of France?")
            await pilot.press("escape", "r")
            await answered(pilot, app, 2)
            original, escalation = chat(app).conversation.exchanges
            assert escalation.escalation_of == original.id and escalation.bot.name == "strong"
            lines = [line_text(app, original), line_text(app, escalation)]
            await pilot.press("ctrl+n")
            await pilot.pause()
            await say(pilot, app, "Something else entirely")
            await pilot.press("ctrl+o")
            screen = await list_loaded(pilot, app)
            assert [row[1] for row in list_rows(screen)][1] == "What is the capital of France?"
            await pilot.press("down", "enter")
            await back_to_chat(pilot, app)
            await wait_until(pilot, lambda: len(chat(app).conversation.exchanges) == 2, "the conversation resumed")
            resumed = chat(app).conversation.exchanges
            assert [e.answer for e in resumed] == ["Paris, I think.", "Paris is the capital."]
            assert [line_text(app, e) for e in resumed] == lines
            label = answer_widget(app, resumed[1]).query_one(".answer--escalation").render()
            assert str(label) == "↑ escalated to strong"
            assert "Something else" not in screen_text(app)
            # The next message goes on from there, with the escalated answer as its context.
            await say(pilot, app, "And what is there to see?")
            sent = loopback.requests[-1].json()["messages"]
            assert [(m["role"], m["content"]) for m in sent if m["role"] != "system"] == [
                ("user", "What is the capital of France?"),
                ("assistant", "Paris is the capital."),
                ("user", "And what is there to see?"),
            ]
        with stored() as history:
            titles = {s.title: s.messages for s in history.conversations()}
        assert titles == {"What is the capital of France?": 5, "Something else entirely": 2}

    run(scenario)


def prepared_history() -> Path:
    """The history file, created and migrated as the app would find it; for writing a past chat."""
    with History.open() as history:
        return history.path


def test_a_conversation_of_a_room_that_is_gone_goes_on_in_the_current_room_with_a_notice() -> None:
    async def scenario() -> None:
        async with DemoServer(tokens_per_second=math.inf) as server:
            assert server.url is not None
            with HistoryRecorder(prepared_history(), "old-room") as recorder:
                conversation = Conversation(demo_room(server.url), lambda bot: None, recorder=recorder)
                await conversation.run(conversation.plan("hello from before"))
        async with demo_app() as (app, pilot):
            await pilot.press("ctrl+o")
            await list_loaded(pilot, app)
            await pilot.press("enter")
            await back_to_chat(pilot, app)
            await wait_until(pilot, lambda: len(chat(app).conversation.exchanges) == 1, "resumed")
            notices = [n.message for n in app._notifications]
            assert 'The room "old-room" of this conversation no longer exists; it goes on in "demo".' in notices
            assert chat(app).conversation.room.name == "demo"
            await say(pilot, app, "and now?")
            assert chat(app).conversation.exchanges[-1].state is ExchangeState.DONE

    run(scenario)


# --- Rename and delete -----------------------------------------------------------------------------


def test_rename_inline_keeps_the_new_title_and_esc_keeps_the_old_one() -> None:
    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            await say(pilot, app, "What is the capital of France?")
            await pilot.press("ctrl+o")
            screen = await list_loaded(pilot, app)
            await pilot.press("r")
            await pilot.pause()
            field = screen.query_one("#rename", Input)
            assert field.has_focus and field.value == "What is the capital of France?"
            await pilot.press("ctrl+u", *"nope", "escape")
            await pilot.pause()
            assert isinstance(app.screen, ConversationsScreen) and screen.table.has_focus
            await pilot.press("r", "ctrl+u")
            await paste(pilot, "Capitals")
            await pilot.press("enter")
            await wait_until(pilot, lambda: list_rows(screen)[0][1] == "Capitals", "the list shows the new title")
            assert screen.table.has_focus
        with stored() as history:
            assert [summary.title for summary in history.conversations()] == ["Capitals"]

    run(scenario)


def test_delete_asks_first_and_deleting_the_open_conversation_starts_a_new_one() -> None:
    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            await say(pilot, app, "first chat")
            await pilot.press("ctrl+n")
            await pilot.pause()
            await say(pilot, app, "second chat")
            await pilot.press("ctrl+o")
            screen = await list_loaded(pilot, app)
            await pilot.press("down", "d")
            await opened(pilot, app, ConfirmDialog)
            assert '"first chat" and its 2 messages' in screen_text(app)
            await pilot.press("enter")  # Cancel has the focus: Enter out of habit deletes nothing
            await opened(pilot, app, ConversationsScreen)
            assert len(list_rows(screen)) == 2
            await pilot.press("d")
            await opened(pilot, app, ConfirmDialog)
            await pilot.press("y")
            await wait_until(pilot, lambda: [row[1] for row in list_rows(screen)] == ["second chat"], "deleted")
            # The open conversation: deleted, the chat goes on as a new one.
            await pilot.press("d")
            await opened(pilot, app, ConfirmDialog)
            assert "The chat goes on as a new conversation." in screen_text(app)
            await pilot.press("y")
            await wait_until(pilot, lambda: app.current_conversation_id() is None, "a new chat began")
            await wait_until(pilot, lambda: screen.summaries == [], "the list emptied")
            await pilot.press("escape")
            await back_to_chat(pilot, app)
            assert chat(app).conversation.exchanges == []
            await say(pilot, app, "third chat")
        with stored() as history:
            assert [summary.title for summary in history.conversations()] == ["third chat"]

    run(scenario)


# --- Search ----------------------------------------------------------------------------------------


def test_search_shows_results_as_you_type_and_enter_jumps_to_the_message() -> None:
    async def scenario() -> None:
        async with DemoServer(tokens_per_second=math.inf) as server:
            assert server.url is not None
            with HistoryRecorder(prepared_history(), "demo") as recorder:
                conversation = Conversation(demo_room(server.url), lambda bot: None, recorder=recorder)
                for index in range(WINDOW + 30):
                    text = "Where do zebras live?" if index == 3 else f"question number {index}"
                    await conversation.run(conversation.plan(text))
        async with demo_app() as (app, pilot):
            await say(pilot, app, "a chat of today")
            await pilot.press("ctrl+f")
            await opened(pilot, app, SearchScreen)
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            await pilot.press(*"zebr")  # no Enter: results come as the typing pauses
            await wait_until(pilot, lambda: screen.searched == "zebr", "the results came")
            assert [hit.role for hit in screen.hits][0] == "user" and "Where do zebras live?" in screen_text(app)
            assert "1 message matches" in screen_text(app) or "messages match" in screen_text(app)
            await pilot.press("enter")
            await back_to_chat(pilot, app)
            log = chat(app).chat_log
            await wait_until(pilot, lambda: log.found == 4, "the exchange was found")
            assert len(chat(app).conversation.exchanges) == WINDOW + 30  # the whole conversation resumed
            found = [w for w in log.children if w.has_class("-found")]
            assert [type(w) for w in found] == [UserMessage, Answer] and found[0].text == "Where do zebras live?"
            assert app.focused is found[1]  # r would re-ask this very message
            await wait_until(pilot, lambda: found[0].region.y in range(0, 5), "scrolled to the top of the view")
            # r re-asks the found message: the escalation streams right under it, in view.
            await pilot.press("r")
            await answered(pilot, app, WINDOW + 31)
            escalation = chat(app).conversation.exchanges[-1]
            assert escalation.escalation_of == 4 and escalation.state is ExchangeState.DONE
            order = chat_order(app)
            assert order[order.index("answer:4") + 1] == f"answer:{escalation.id}"
            await wait_until(pilot, lambda: log.region.overlaps(answer_widget(app, escalation).region), "in view")

    run(scenario)


# --- Markup and control sequences in stored text -----------------------------------------------------


def test_markup_in_titles_and_snippets_is_shown_literally() -> None:
    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            await say(pilot, app, MARKUP)
            await pilot.press("ctrl+o")
            screen = await list_loaded(pilot, app)
            assert list_rows(screen)[0][1] == MARKUP
            assert MARKUP[:40] in screen_text(app)
            await pilot.press("escape")
            await back_to_chat(pilot, app)
            await pilot.press("ctrl+f")
            await opened(pilot, app, SearchScreen)
            search = app.screen
            assert isinstance(search, SearchScreen)
            await pilot.press(*"loud")
            await wait_until(pilot, lambda: search.searched == "loud", "the results came")
            results = search.query_one(OptionList)
            prompt = results.get_option_at_index(0).prompt
            title, snippet = str(prompt).split("\n  ")
            assert title.startswith(MARKUP) and snippet == MARKUP
            assert [str(prompt)[span.start : span.end] for span in prompt.spans if "underline" in str(span.style)] == ["loud"]
            assert "[@click=app.quit]quit[/] [link=x]l[/link]" in screen_text(app)
            assert app.is_running  # the click markup did nothing

    run(scenario)


# --- Export ----------------------------------------------------------------------------------------


def test_export_from_the_palette_writes_what_bytechat_export_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    fake_key = "sk-proj-" + "k3y" * 16
    monkeypatch.setenv("OPENAI_API_KEY", fake_key)

    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            await say(pilot, app, "What is the capital of France?")
            for command, suffix in (("history: export as Markdown", "md"), ("history: export as JSON", "json")):
                await pilot.press("ctrl+p")
                await pilot.pause()
                await pilot.press(*command)
                await wait_until(pilot, lambda c=command: c in screen_text(app), "the palette offers it")
                await pilot.press("enter")
                await wait_until(pilot, lambda s=suffix: list(workdir.glob(f"*.{s}")), "the file was written")
                (path,) = workdir.glob(f"*.{suffix}")
                await wait_until(pilot, lambda p=path: any(str(p) in n.message for n in app._notifications), "said")
            conversation_id = app.current_conversation_id()
        for suffix in ("md", "json"):
            (path,) = workdir.glob(f"*.{suffix}")
            assert path.name == f"bytechat-{conversation_id}-what-is-the-capital-of-france.{suffix}"
            assert path.stat().st_mode & 0o777 == 0o600
            printed = io.StringIO()
            with redirect_stdout(printed):
                assert bytechat(["export", str(conversation_id), "--format", suffix]) == 0
            assert path.read_text(encoding="utf-8") == printed.getvalue()
            assert fake_key not in path.read_text(encoding="utf-8")
        exported = json.loads((workdir / path.name).read_text(encoding="utf-8"))
        assert exported["exchanges"][0]["message"] == "What is the capital of France?"
        assert exported["exchanges"][0]["state"] == "done"

    run(scenario)


# --- Keys and the palette ----------------------------------------------------------------------------


def remap(keybindings: str) -> None:
    """A config.toml whose [keybindings] table holds `keybindings`."""
    config = Path(os.environ["BYTECHAT_CONFIG_DIR"])
    config.mkdir(parents=True)
    (config / "config.toml").write_text(f"[keybindings]\n{keybindings}\n")


def test_the_history_keys_are_remappable_toggle_their_screen_and_switch_between_them() -> None:
    remap('conversations = "f9"')

    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            await say(pilot, app, "hello")
            await pilot.press("ctrl+o")  # no longer the key
            await pilot.pause()
            assert isinstance(app.screen, ChatScreen)
            await pilot.press("f9")
            await list_loaded(pilot, app)
            await pilot.press("ctrl+f")  # from one history screen straight to another
            await opened(pilot, app, SearchScreen)
            await pilot.press("ctrl+s")
            await opened(pilot, app, SavingsScreen)
            await pilot.press("f9")
            await opened(pilot, app, ConversationsScreen)
            await pilot.press("f9")  # the key that opened it closes it
            await back_to_chat(pilot, app)
            assert len(app.screen_stack) == 2  # nothing left open underneath
            from bytechat_tui.ui.commands import palette_commands

            texts = {command.text for command in palette_commands(app)}
            assert {
                "history: conversations",
                "history: search",
                "history: savings",
                "history: export as Markdown",
                "history: export as JSON",
            } <= texts

    run(scenario)


def test_the_conversation_list_keys_are_remappable_and_its_hint_shows_the_new_keys() -> None:
    remap('conversation_rename = "e"\nsavings_span = "s"')

    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            await say(pilot, app, "What is the capital of France?")
            await pilot.press("ctrl+o")
            screen = await list_loaded(pilot, app)
            assert "e rename" in str(screen.query_one(Vertical).border_subtitle)
            field = screen.query_one("#rename", Input)
            await pilot.press("r")  # no longer the key
            await pilot.pause()
            assert not field.has_focus
            await pilot.press("e")
            await wait_until(pilot, lambda: field.has_focus, "the rename field took the focus")
            await pilot.press("escape", "ctrl+s")
            await opened(pilot, app, SavingsScreen)
            savings = app.screen
            assert isinstance(savings, SavingsScreen)
            assert str(savings.query_one(VerticalScroll).border_subtitle).startswith("s: 7, 30 or 90 days")
            first = savings.span
            await pilot.press("s")
            await wait_until(pilot, lambda: savings.span != first, "the span changed")

    run(scenario)


# --- Savings -----------------------------------------------------------------------------------------


def test_the_savings_view_shows_the_totals_of_history_stats() -> None:
    async def scenario() -> None:
        async with demo_app() as (app, pilot):
            await say(pilot, app, "What is the capital of France?")
            await pilot.press("escape", "r")
            await answered(pilot, app, 2)
            await pilot.press("ctrl+n")
            await pilot.pause()
            await say(pilot, app, "Write a python function that counts words")
            await say(pilot, app, "What is the capital of Spain?")
            await pilot.press("ctrl+s")
            await opened(pilot, app, SavingsScreen)
            screen = app.screen
            assert isinstance(screen, SavingsScreen)
            await wait_until(pilot, lambda: screen.figures is not None, "the figures were read")
            with stored() as history:
                figures = history.stats(30)
            assert screen.figures == figures
            totals = str(screen.query_one("#savings-totals").render())
            share = figures.saved_usd / figures.priciest_usd
            assert totals.startswith(f"Spent {usd(figures.spend_usd)} · on the priciest bot (demo-frontier) the ")
            assert f"would have cost {usd(figures.priciest_usd)} · saved {usd(figures.saved_usd)} ({share:.0%})" in totals
            assert totals.endswith("Escalated with r: 1 of 3 messages (33%)")
            shown = " ".join(screen_text(app).split())
            for use in figures.bots:
                assert f"{use.bot} {use.model} {use.answers} " in shown
                assert usd(use.spend_usd) in shown
            assert "Savings · last 30 days" in shown
            await pilot.press("d")
            await wait_until(pilot, lambda: len(screen.figures.days) == 7, "the span changed")  # type: ignore[union-attr]
            await pilot.press("ctrl+s")
            await back_to_chat(pilot, app)

    run(scenario)
