"""After a crash: answers whose writer died mid-stream are ended as cut, priced as an estimate.

Every recorder holds an exclusive `flock` on a file of its own, `history.sqlite3.writers/<id>`,
for as long as it may write, and stamps that id on each answer it has not yet ended. The kernel
drops the lock when the process dies, however it dies (`kill -9` included), so "is the writer of
this answer still alive?" is one non-blocking `flock`: no pid reuse to fear, no heartbeat to wait
out. The chat and `bytechat ask` may thus run side by side: neither ends the other's answers.

Every open of the history (`History.open`) recovers, and so does a recorder closing with answers
it never ended; `abandoned.py` says what a recovered answer becomes.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import uuid
from pathlib import Path

from bytechat_tui.storage.database import private_dir


def writers_dir(history: Path) -> Path:
    return history.with_name(history.name + ".writers")


class WriterLock:
    """Proof of life of one recorder: an exclusive lock on `<writers dir>/<id>`, held until released."""

    def __init__(self, history: Path) -> None:
        directory = writers_dir(history)
        private_dir(directory)
        self.id = uuid.uuid4().hex
        self._path = directory / self.id
        # Locked under a hidden name, then renamed: a recoverer never sees the file unlocked.
        hidden = directory / f".{self.id}"
        self._fd = os.open(hidden, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(hidden, self._path)

    def release(self) -> None:
        """Call once this writer's answers are all ended: from then on it counts as gone."""
        self._path.unlink(missing_ok=True)
        os.close(self._fd)


def recover(connection: sqlite3.Connection, history: Path) -> None:
    """End the unfinished answers of every writer that is gone, and forget those writers."""
    directory = writers_dir(history)
    # An answer keeps its writer's id until it is ended: these writers have unfinished answers.
    stamped = {row[0] for row in connection.execute("SELECT DISTINCT writer FROM answers WHERE writer IS NOT NULL")}
    on_disk = {name for name in os.listdir(directory) if not name.startswith(".")} if directory.is_dir() else set()
    for writer in stamped | on_disk:
        if _gone(directory / writer):
            if writer in stamped:
                # Only now the pricing and routing code: opening a healthy history stays quick.
                from bytechat_tui.storage.abandoned import end_abandoned

                end_abandoned(connection, writer)
            (directory / writer).unlink(missing_ok=True)


def _gone(lock: Path) -> bool:
    """Whether the writer of this lock file is gone: no file, or nobody holds its lock.

    Once gone, always gone: a writer's id is never used again.
    """
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True
