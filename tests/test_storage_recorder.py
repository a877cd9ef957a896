"""The recorder: the message on disk before it is sent, the answer written as it streams (coalesced),
the end written whole, unfinished answers recovered, and a failing history never stopping the chat."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

from loopback import LoopbackServer, Pause, Reset, Stall, sse_body
from loopback import Reply as Served
from test_ask_command import SSE, chunk, usage
from test_conversation import answer, no_key, room_of

from bytechat_tui.conversation import Conversation, ExchangeState
from bytechat_tui.providers.retry import RetryPolicy
from bytechat_tui.storage import History, history_path
from bytechat_tui.storage.abandoned import STOPPED
from bytechat_tui.storage.recorder import PROGRESS_INTERVAL_S, HistoryRecorder
from bytechat_tui.storage.records import write_planned, write_progress


def other_process_view(path: Path) -> sqlite3.Connection:
    """A connection of its own, as another process reading the file has."""
    return sqlite3.connect(path)


def slow_answer(words: list[str], pause: float) -> Served:
    body: list[bytes | Pause | Reset | Stall] = []
    for word in words:
        body += [sse_body([chunk(word)], done=False), Pause(pause)]
    body.append(sse_body([chunk(finish="stop"), usage(100, len(words))]))
    return Served(200, SSE, body)


def test_the_message_and_its_route_are_on_disk_before_anything_is_sent() -> None:
    path = history_path()
    History.open().close()
    with LoopbackServer() as server, HistoryRecorder(path, "test") as recorder:
        server.queue(answer("Paris."))
        chat = Conversation(room_of(server, server), no_key, policy=RetryPolicy(max_retries=0), recorder=recorder)
        exchange = chat.plan("What is the capital of France?")
        assert server.requests == []
        view = other_process_view(path)
        assert view.execute("SELECT role, text FROM messages ORDER BY id").fetchall() == [
            ("user", "What is the capital of France?"),
            ("assistant", ""),
        ]
        assert view.execute("SELECT chosen, why FROM decisions").fetchall() == [("mini", "cheapest capable")]
        assert view.execute("SELECT state FROM answers").fetchall() == [("queued",)]
        asyncio.run(chat.run(exchange))


def test_the_answer_is_written_as_it_streams_at_most_twice_a_second_then_whole() -> None:
    path = history_path()
    History.open().close()
    log = other_process_view(path)
    # Counts every write of an answer's text, as the file sees it.
    log.executescript(
        """CREATE TABLE text_writes (text TEXT);
           CREATE TRIGGER count_text_writes AFTER UPDATE OF text ON messages
           BEGIN INSERT INTO text_writes VALUES (new.text); END;"""
    )
    words = [f"w{n:03d} " for n in range(60)]
    seen: list[str] = []
    with LoopbackServer() as server, HistoryRecorder(path, "test") as recorder:
        server.queue(slow_answer(words, pause=0.03))
        chat = Conversation(room_of(server, server), no_key, policy=RetryPolicy(max_retries=0), recorder=recorder)
        exchange = chat.plan("count slowly")
        done = threading.Event()

        def watch() -> None:
            view = other_process_view(path)
            while not done.is_set():
                (text,) = view.execute("SELECT text FROM messages WHERE role = 'assistant'").fetchone()
                if text and (not seen or seen[-1] != text):
                    seen.append(text)
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        started = time.monotonic()
        asyncio.run(chat.run(exchange))
        elapsed = time.monotonic() - started
        done.set()
        watcher.join()

    final = "".join(words)
    writes = [row[0] for row in log.execute("SELECT text FROM text_writes")]
    assert writes[-1] == final and exchange.state is ExchangeState.DONE
    partial = writes[:-1]
    assert len(partial) >= 2, "the answer was not written while it streamed"
    assert len(partial) <= elapsed / PROGRESS_INTERVAL_S + 2, f"{len(partial)} writes in {elapsed:.2f} s"
    assert all(final.startswith(text) for text in writes + seen)
    assert len(seen) >= 2  # another reader saw it grow while it streamed


def test_an_answer_whose_writer_vanished_is_recovered_as_cut_and_priced_as_an_estimate() -> None:
    path = history_path()
    History.open().close()
    with LoopbackServer() as server:
        chat = Conversation(room_of(server, server), no_key)
        exchange = chat.plan("write me a long story")
        queued = chat.plan("@mini and another")
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("PRAGMA foreign_keys = ON")
        conversation_id, answer_id = write_planned(connection, None, "test", exchange, "vanished-writer", 1.0)
        write_progress(connection, answer_id, "Once upon a time", "", 2.0)
        write_planned(connection, conversation_id, "test", queued, "vanished-writer", 3.0)
        connection.close()

    with History.open() as history:
        _room, (cut, cancelled) = history.load_conversation(conversation_id)
        summary = history.conversation(conversation_id)
    assert (cut.state, cut.answer) == (ExchangeState.CUT, "Once upon a time")
    assert cut.reply is not None and cut.reply.estimated and cut.reply.usage is not None
    assert cut.reply.usage.input_tokens == exchange.route.assessment.input_tokens
    assert cut.reply.usage.output_tokens > 0 and cut.reply.cost_usd > 0 and summary.estimated
    assert cut.reply.error is not None and STOPPED in str(cut.reply.error)
    assert (cancelled.state, cancelled.answer) == (ExchangeState.CUT, "")
    assert cancelled.reply is not None and cancelled.reply.usage is None and cancelled.reply.cost_usd == 0
    view = other_process_view(path)
    assert view.execute("SELECT state, writer FROM answers ORDER BY message_id").fetchall() == [
        ("cut", None),
        ("cancelled", None),
    ]


def test_a_living_writers_answers_are_left_alone_and_ended_when_it_closes() -> None:
    path = history_path()
    History.open().close()
    with LoopbackServer() as server:
        recorder = HistoryRecorder(path, "test")
        chat = Conversation(room_of(server, server), no_key, recorder=recorder)
        chat.plan("a message whose turn never comes")
        with History.open() as history:  # another window opening the history meanwhile
            _room, (waiting,) = history.load_conversation(recorder.conversation_id)
        assert waiting.state is ExchangeState.QUEUED and waiting.reply is None
        recorder.close()
    with History.open() as history:
        _room, (ended,) = history.load_conversation(recorder.conversation_id)
    assert ended.state is ExchangeState.CUT and ended.reply is not None and ended.reply.error is not None
    assert list(path.with_name(path.name + ".writers").iterdir()) == []


def test_a_history_that_fails_to_write_is_a_sentence_and_the_chat_goes_on() -> None:
    path = history_path()
    History.open().close()
    with LoopbackServer() as server, HistoryRecorder(path, "test") as recorder:
        server.queue(answer("One."), answer("Two."))
        chat = Conversation(room_of(server, server), no_key, policy=RetryPolicy(max_retries=0), recorder=recorder)
        asyncio.run(chat.run(chat.plan("first")))
        with History.open() as history:  # deleted from another window while the chat goes on
            history.delete(recorder.conversation_id)
        second = asyncio.run(chat.run(chat.plan("@mini second")))
    assert second.state is ExchangeState.DONE and second.answer == "Two."
    assert recorder.problem is not None and str(path) in recorder.problem
