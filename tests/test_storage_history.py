"""The history read back: the list, a conversation resumed over loopback bots, rename, delete, stats.

Conversations are made the way the chat makes them: a `Conversation` over real loopback bots with a
`HistoryRecorder`, whose writer thread writes a real SQLite file; the history is then opened as
the next process would open it.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reset, Stall, sse_body
from loopback import Reply as Served
from test_ask_command import SSE, chunk
from test_conversation import answer, no_key, room_of, sent_messages

from bytechat_tui.conversation import Conversation, Exchange, ExchangeState
from bytechat_tui.errors import UserError
from bytechat_tui.providers.retry import RetryPolicy
from bytechat_tui.replies import Reply
from bytechat_tui.storage import History, history_path
from bytechat_tui.storage.recorder import HistoryRecorder


@pytest.fixture
def servers() -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    with LoopbackServer() as cheap, LoopbackServer() as strong:
        yield cheap, strong


def recorded_chat(
    cheap: LoopbackServer, strong: LoopbackServer, path: Path, conversation_id: int | None = None, **options: object
) -> tuple[Conversation, HistoryRecorder]:
    """A conversation of the two-bot test room whose recorder writes to `path`."""
    History.open(path).close()  # checked and migrated, as the app does before recording
    recorder = HistoryRecorder(path, "test", conversation_id)
    room = room_of(cheap, strong)
    chat = Conversation(room, no_key, policy=RetryPolicy(max_retries=0), recorder=recorder, **options)
    return chat, recorder


def run(chat: Conversation, exchange: Exchange) -> Exchange:
    return asyncio.run(chat.run(exchange))


def same_reply(stored: Reply | None, live: Reply | None) -> None:
    assert stored is not None and live is not None
    assert (stored.bot, stored.text, stored.reasoning, stored.usage, stored.finish) == (
        live.bot,
        live.text,
        live.reasoning,
        live.usage,
        live.finish,
    )
    assert (stored.cost_usd, stored.priciest, stored.priciest_cost_usd, stored.saving_usd, stored.saving_share) == (
        live.cost_usd,
        live.priciest,
        live.priciest_cost_usd,
        live.saving_usd,
        live.saving_share,
    )
    assert (stored.estimated, stored.cut, stored.failovers) == (live.estimated, live.cut, live.failovers)
    assert (stored.error is None) == (live.error is None)
    if stored.error is not None and live.error is not None:
        assert (stored.error.kind, str(stored.error), stored.error.status) == (
            live.error.kind,
            str(live.error),
            live.error.status,
        )


def test_a_conversation_comes_back_exactly_as_it_was_streamed(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("Four.", prompt=1000, completion=500), answer("A weak answer."))
    strong.queue(answer("A thorough answer.", prompt=50, completion=10))
    path = history_path()
    chat, recorder = recorded_chat(cheap, strong, path, system="Be brief.")
    run(chat, chat.plan("What is 2 + 2?"))
    run(chat, chat.plan("@mini explain monads"))
    run(chat, chat.plan_escalation())
    recorder.close()

    with History.open() as history:
        room, exchanges = history.load_conversation(recorder.conversation_id)
    assert room == "test"
    assert [(e.id, e.text, e.escalation_of, e.state, e.answer) for e in exchanges] == [
        (1, "What is 2 + 2?", None, ExchangeState.DONE, "Four."),
        (2, "explain monads", None, ExchangeState.DONE, "A weak answer."),
        (3, "explain monads", 2, ExchangeState.DONE, "A thorough answer."),
    ]
    for stored, live in zip(exchanges, chat.exchanges):
        assert stored.route == live.route  # the routing line and the why panel, as they were
        same_reply(stored.reply, live.reply)


def test_failovers_errors_cut_and_cancelled_answers_come_back_as_they_ended(servers) -> None:
    cheap, strong = servers
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    headers = {"content-type": "application/json", "x-should-retry": "false"}
    cheap.queue(Served(529, headers, [json.dumps(overloaded).encode()]))
    strong.queue(answer("Opus stood in."))
    cheap.queue(Served(401, {"content-type": "application/json"}, [b'{"error": {"message": "bad key"}}']))
    cheap.queue(Served(200, SSE, [sse_body([chunk("Half an ans")], done=False), Reset()]))
    cheap.queue(Served(200, SSE, [Stall()]))
    chat, recorder = recorded_chat(cheap, strong, history_path())
    failed_over = run(chat, chat.plan("hello"))
    failed = run(chat, chat.plan("@mini hello again"))
    cut = run(chat, chat.plan("@mini tell me more"))
    stopped = chat.plan("@mini never mind")

    async def cancel_once_sent() -> None:
        task = asyncio.create_task(chat.run(stopped))
        while len(cheap.requests) < 4:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(asyncio.wait_for(cancel_once_sent(), 10))
    recorder.close()
    assert failed_over.reply is not None and failed_over.reply.bot.name == "opus" and failed_over.reply.failovers
    assert (failed.state, cut.state, stopped.state) == (ExchangeState.FAILED, ExchangeState.CUT, ExchangeState.CUT)

    with History.open() as history:
        _room, exchanges = history.load_conversation(recorder.conversation_id)
    assert [e.state for e in exchanges] == [e.state for e in chat.exchanges]
    assert [e.answer for e in exchanges] == ["Opus stood in.", "", "Half an ans", ""]
    for stored, live in zip(exchanges, chat.exchanges):
        assert stored.route == live.route
        same_reply(stored.reply, live.reply)
    connection = sqlite3.connect(history_path())
    states = [row[0] for row in connection.execute("SELECT state FROM answers ORDER BY message_id")]
    assert states == ["done", "failed", "cut", "cancelled"]  # a stop before any text is told apart


def test_a_resumed_conversation_sends_the_stored_context_with_the_next_message(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("Four."), answer("Meh."), answer("Sixteen."))
    strong.queue(answer("Better."))
    path = history_path()
    first, recorder = recorded_chat(cheap, strong, path)
    run(first, first.plan("What is 2 + 2?"))
    run(first, first.plan("@mini what is a monad"))
    run(first, first.plan_escalation())
    recorder.close()

    with History.open() as history:
        _room, exchanges = history.load_conversation(recorder.conversation_id)
    resumed, again = recorded_chat(cheap, strong, path, recorder.conversation_id, exchanges=exchanges)
    later = resumed.plan("@mini and squared?")
    run(resumed, later)
    again.close()

    # The escalation's answer stands for the message it re-asked, as it did before the restart.
    assert [(m["role"], m["content"]) for m in sent_messages(cheap)] == [
        ("user", "What is 2 + 2?"),
        ("assistant", "Four."),
        ("user", "what is a monad"),
        ("assistant", "Better."),
        ("user", "and squared?"),
    ]
    assert later.id == 4
    with History.open() as history:
        _room, stored = history.load_conversation(recorder.conversation_id)
        assert [e.answer for e in stored] == ["Four.", "Meh.", "Better.", "Sixteen."]
        assert len(history.conversations()) == 1


def test_the_list_is_newest_first_with_titles_and_the_sessions_own_money(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("One.", prompt=1000, completion=500), answer("Two."), answer("Three."))
    strong.queue(answer("Better.", prompt=1000, completion=500))
    path = history_path()
    first, recorder = recorded_chat(cheap, strong, path)
    run(first, first.plan("  \n  First   question,\twith spaces\nand a second line"))
    run(first, first.plan_escalation())
    recorder.close()
    second, other = recorded_chat(cheap, strong, path)
    run(second, second.plan("Second question"))
    other.close()
    resumed, again = recorded_chat(cheap, strong, path, recorder.conversation_id, exchanges=first.exchanges)
    run(resumed, resumed.plan("@mini more"))  # the first conversation is the latest updated again
    again.close()

    with History.open() as history:
        listed = history.conversations()
    assert [summary.id for summary in listed] == [recorder.conversation_id, other.conversation_id]
    top = listed[0]
    assert top.title == "First question, with spaces"
    assert top.messages == 5  # two messages, three answers (one an escalation)
    assert top.spend_usd == pytest.approx(resumed.spend_usd)
    assert top.saved_usd == pytest.approx(resumed.saved_usd)
    assert listed[1].title == "Second question" and listed[1].saved_usd == pytest.approx(second.saved_usd)


def test_titles_are_cut_and_renameable_and_a_deleted_conversation_leaves_nothing(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("Yes."), answer("No."))
    strong.queue(answer("Surely."))
    path = history_path()
    kept, recorder = recorded_chat(cheap, strong, path)
    run(kept, kept.plan("word " * 40))
    recorder.close()
    doomed, other = recorded_chat(cheap, strong, path)
    run(doomed, doomed.plan("@mini zanzibar question"))
    run(doomed, doomed.plan_escalation())
    other.close()

    with History.open() as history:
        title = history.conversation(recorder.conversation_id).title
        assert len(title) == 60 and title.endswith("…")
        history.rename(recorder.conversation_id, "  Words,\n words  ")
        assert history.conversation(recorder.conversation_id).title == "Words, words"
        with pytest.raises(UserError):
            history.rename(recorder.conversation_id, "   ")
        assert {hit.conversation_id for hit in history.search("zanzibar")} == {other.conversation_id}
        history.delete(other.conversation_id)
        assert history.search("zanzibar") == []
        assert [summary.id for summary in history.conversations()] == [recorder.conversation_id]
        with pytest.raises(UserError, match="no conversation"):
            history.load_conversation(other.conversation_id)
        with pytest.raises(UserError):
            history.delete(other.conversation_id)
    connection = sqlite3.connect(path)
    counts = {
        table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("messages", "decisions", "answers", "escalations")
    }
    assert counts == {"messages": 2, "decisions": 1, "answers": 1, "escalations": 0}  # the kept one's only


def test_stats_count_spend_savings_per_day_and_bot_and_the_escalation_rate(servers) -> None:
    cheap, strong = servers
    # mini: $0.1/$0.4 per Mtok; opus: $5/$25. 1000 in, 500 out.
    cheap.queue(answer("a", prompt=1000, completion=500), answer("b", prompt=1000, completion=500))
    strong.queue(answer("c", prompt=1000, completion=500))
    chat, recorder = recorded_chat(cheap, strong, history_path())
    run(chat, chat.plan("first"))
    run(chat, chat.plan("@mini second"))
    run(chat, chat.plan_escalation())
    recorder.close()

    with History.open() as history:
        figures = history.stats(7)
    assert len(figures.days) == 7 and [day.answers for day in figures.days] == [0] * 6 + [3]
    assert figures.messages == 2 and figures.escalations == 1 and figures.escalation_rate == 0.5
    assert figures.spend_usd == pytest.approx(2 * 0.0003 + 0.0175)
    assert figures.priciest_usd == pytest.approx(2 * 0.0175)  # what opus would have cost for both messages
    assert figures.saved_usd == pytest.approx(chat.saved_usd)
    assert figures.priciest_bots == ("opus",)
    assert [(use.bot, use.answers, use.input_tokens, use.output_tokens) for use in figures.bots] == [
        ("opus", 1, 1000, 500),
        ("mini", 2, 2000, 1000),
    ]
