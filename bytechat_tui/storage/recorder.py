"""`HistoryRecorder`: a conversation written to the history as it happens, off the event loop.

The conversation calls the recorder from the event loop that streams answers, so every method
returns at once and a writer thread, owning its own SQLite connection, does the writing:

- `planned` is the one that waits: the user's message and its routing decision must be on disk
  before the request is sent (a crash mid-answer must not lose the question). The thread writes
  them in one small transaction and acknowledges; the caller waits for that (≈0.3 ms measured in
  `tests/bench/bench_storage.py`: a thread hand-off and a WAL commit without fsync). Should the
  file be locked by another process for longer than `PLANNED_WAIT_S`, the message is sent anyway
  and written when the lock frees: a person is never kept waiting on their own history.
- `progressed` only notes the latest text. The thread writes the first partial answer at once, then
  at most one write per `PROGRESS_INTERVAL_S`, so a crash loses at most that much of the answer
  and a fast stream costs one small UPDATE per half second, whatever its token rate.
- `ended` queues the final text, usage, cost, state and error; the notes of that answer are dropped.

A failure to write (a full disk) never stops the chat: it is kept in `problem`, one sentence for
the caller to show, and the conversation goes on unrecorded.
"""

from __future__ import annotations

import copy
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from types import TracebackType
from typing import Any

from bytechat_tui.conversation import Exchange
from bytechat_tui.errors import UserError
from bytechat_tui.storage.abandoned import end_abandoned
from bytechat_tui.storage.database import connect
from bytechat_tui.storage.records import (
    stored_state,
    write_end,
    write_planned,
    write_progress,
)
from bytechat_tui.storage.recovery import WriterLock

PROGRESS_INTERVAL_S = 0.5
PLANNED_WAIT_S = 2.0


class _Stop:
    """The last job: write what is pending, end what was left unfinished, close."""


class _Wake:
    """A partial answer is waiting where there was none: the thread should plan its write."""


_Job = tuple[Exchange, "Future[None]"] | Exchange | _Wake | _Stop
"""Planned (with its acknowledgement), ended, or a signal."""


class HistoryRecorder:
    """Records one conversation (a new one, or `conversation_id` when resuming) into `path`.

    `path` must have been opened by `History.open` first (checked, migrated). Close the recorder
    once the conversation's answers have ended or been cancelled: what is reported after that is
    not written, and an answer it never heard the end of is ended as cut.
    """

    def __init__(self, path: Path, room: str, conversation_id: int | None = None) -> None:
        self.path = path
        self.room = room
        self.conversation_id = conversation_id
        """Set by the first `planned` of a new conversation."""
        self.problem: str | None = None
        """Why something could not be written, once it happens."""
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._partial: dict[int, tuple[str, str]] = {}
        """Exchange id -> the latest (answer, reasoning) not yet written."""
        self._partial_lock = threading.Lock()
        self._answer_rows: dict[int, int] = {}
        """Exchange id -> its answer's row; the writer thread's alone."""
        try:
            self._lock = WriterLock(path)
        except OSError as error:
            raise self._unwritable(error) from error
        self._closed = False
        opened: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, args=(opened,), name="history-writer", daemon=True)
        self._thread.start()
        try:
            opened.result()
        except BaseException:
            self._lock.release()
            raise

    def planned(self, exchange: Exchange) -> None:
        written: Future[None] = Future()
        self._jobs.put((copy.copy(exchange), written))
        try:
            written.result(PLANNED_WAIT_S)
        except FutureTimeout:
            pass  # written later, in order; see the module's docstring
        except Exception as error:
            self._note(error)

    def progressed(self, exchange: Exchange) -> None:
        with self._partial_lock:
            first = not self._partial
            self._partial[exchange.id] = (exchange.answer, exchange.reasoning)
        if first:
            self._jobs.put(_Wake())

    def ended(self, exchange: Exchange) -> None:
        self._jobs.put(copy.copy(exchange))

    def close(self) -> None:
        """Write everything pending and stop; answers left unfinished are ended as cut or cancelled."""
        if self._closed:
            return
        self._closed = True
        self._jobs.put(_Stop())
        self._thread.join()
        self._lock.release()

    def __enter__(self) -> HistoryRecorder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _run(self, opened: Future[None]) -> None:
        try:
            connection = connect(self.path)
        except (sqlite3.Error, OSError) as error:
            opened.set_exception(self._unwritable(error))
            return
        opened.set_result(None)
        last_write = float("-inf")
        try:
            while True:
                timeout = None
                if self._partial:
                    timeout = max(0.0, last_write + PROGRESS_INTERVAL_S - time.monotonic())
                try:
                    job = self._jobs.get(timeout=timeout)
                except queue.Empty:
                    job = _Wake()
                if isinstance(job, _Stop):
                    self._write_partials(connection)
                    self._attempt(end_abandoned, connection, self._lock.id)
                    return
                self._handle(connection, job)
                if self._partial and time.monotonic() >= last_write + PROGRESS_INTERVAL_S:
                    self._write_partials(connection)
                    last_write = time.monotonic()
        finally:
            connection.close()

    def _handle(self, connection: sqlite3.Connection, job: _Job) -> None:
        if isinstance(job, tuple):
            exchange, written = job
            try:
                self.conversation_id, self._answer_rows[exchange.id] = write_planned(
                    connection, self.conversation_id, self.room, exchange, self._lock.id, time.time()
                )
            except Exception as error:
                written.set_exception(error)
            else:
                written.set_result(None)
        elif isinstance(job, Exchange):
            with self._partial_lock:
                self._partial.pop(job.id, None)
            row = self._answer_rows.get(job.id)
            if row is not None and job.reply is not None:
                self._attempt(write_end, connection, row, stored_state(job), job.reply, time.time())

    def _write_partials(self, connection: sqlite3.Connection) -> None:
        with self._partial_lock:
            partial, self._partial = self._partial, {}
        for exchange_id, (answer, reasoning) in partial.items():
            row = self._answer_rows.get(exchange_id)
            if row is not None:
                self._attempt(write_progress, connection, row, answer, reasoning, time.time())

    def _attempt(self, write: Callable[..., object], *arguments: Any) -> None:
        try:
            write(*arguments)
        except Exception as error:
            self._note(error)

    def _note(self, error: Exception) -> None:
        if self.problem is None:
            self.problem = str(self._unwritable(error))

    def _unwritable(self, error: Exception) -> UserError:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        return UserError(f"the history could not be written to {self.path} ({reason})")
