"""Opening the history file: private modes, WAL, the schema brought up to date, damage set aside.

The file holds every prompt a person typed, so it is 0600 in a 0700 directory whatever the umask
(SQLite gives its `-wal` and `-shm` files the mode of the database file). A file this version cannot
use — not SQLite, damaged, truncated, or written by a newer bytechat — is never written to: it is
moved aside whole (with its `-wal` and `-shm`) as `history.sqlite3.corrupt-<time>` or
`.newer-<time>`, a new history is started, and the caller is handed one sentence saying so.

Durability: WAL with `synchronous=NORMAL`. A committed write is in the WAL file when the commit
returns, so it survives the process being killed or crashing; only a power cut or an OS crash can
lose the last commits, and never corrupt the file. `FULL` would fsync every commit: milliseconds
each on a laptop disk, for a guarantee against a failure the issue does not ask about.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from bytechat_tui.errors import UserError
from bytechat_tui.locations import data_dir
from bytechat_tui.storage.migrations import LATEST, migrate, schema_version

HISTORY_FILE = "history.sqlite3"
BUSY_TIMEOUT_S = 5.0
"""How long a write waits for another process's (the chat's, a `bytechat ask`'s) to finish."""
COMPANIONS = ("-wal", "-shm")
"""SQLite's files beside the database; they belong to it and move with it."""
_DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def history_path() -> Path:
    return data_dir() / HISTORY_FILE


def connect(path: Path, *, shared: bool = False) -> sqlite3.Connection:
    """A connection to a file already `prepare`d, with the settings every user of it needs.

    Autocommit (`isolation_level=None`): transactions are explicit, so a write is never left
    pending by the driver. `shared` lets other threads use it; its owner must serialise them.
    """
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=not shared)
    connection.row_factory = sqlite3.Row
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        connection.close()
        raise
    return connection


def prepare(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """An open, checked, migrated history at `path`, and a sentence when a damaged file was set aside."""
    try:
        private_dir(path.parent)
        try:
            return _open_checked(path), None
        except _Unusable as unusable:
            moved = _move_aside(path, unusable.kind)
            notice = (
                f"the history file {path} {unusable.reason}; it was moved, untouched, to {moved.name}, "
                f"and a new, empty history was started{unusable.advice}"
            )
            return _open_checked(path), notice
    except OSError as error:
        raise UserError(f"could not open the history at {path} ({error.strerror or error})") from error


def private_dir(directory: Path) -> None:
    """Create `directory` as 0700; an existing one is left as the person made it."""
    if not directory.is_dir():
        directory.mkdir(parents=True, mode=0o700)
        directory.chmod(0o700)  # mkdir's mode is filtered by the umask


class _Unusable(Exception):
    """A file this version must not write to."""

    def __init__(self, kind: str, reason: str, advice: str = "") -> None:
        super().__init__(reason)
        self.kind = kind
        """"corrupt" or "newer": the suffix of the name it is moved to."""
        self.reason = reason
        self.advice = advice


def _open_checked(path: Path) -> sqlite3.Connection:
    _private_file(path)
    try:
        connection = connect(path, shared=True)
    except sqlite3.DatabaseError as error:
        raise _classified(path, error) from error
    try:
        _check_and_migrate(connection)
    except BaseException as error:
        connection.close()
        if isinstance(error, sqlite3.DatabaseError):
            raise _classified(path, error) from error
        raise
    return connection


def _check_and_migrate(connection: sqlite3.Connection) -> None:
    # Reads only, until the file is known to be ours and whole: nothing here can truncate it.
    version = schema_version(connection)
    if version > LATEST:
        raise _Unusable(
            "newer",
            f"was written by a newer bytechat (schema {version}; this one knows up to {LATEST})",
            "; to read it again, upgrade bytechat and move it back",
        )
    check = connection.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise _Unusable("corrupt", f"is damaged ({check})")
    connection.execute("PRAGMA journal_mode = WAL")
    migrate(connection)


def _classified(path: Path, error: sqlite3.DatabaseError) -> Exception:
    """Damage (not a database, malformed) sets the file aside; anything else (locked, read-only) is said."""
    if (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF in _DAMAGE_CODES:
        return _Unusable("corrupt", f"is damaged or not a database ({error})")
    return UserError(f"could not open the history at {path} ({error})")


def _private_file(path: Path) -> None:
    """Create the file 0600 before SQLite does (SQLite would follow the umask); tighten an existing one."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    for file in _with_companions(path):
        try:
            mode = file.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & 0o077:
            file.chmod(0o600)


def _move_aside(path: Path, kind: str) -> Path:
    """Rename the file and its companions to a free `<name>.<kind>-<time>`; never over another file."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{kind}-{stamp}")
    attempt = 1
    while any(file.exists() for file in _with_companions(target)):
        attempt += 1
        target = path.with_name(f"{path.name}.{kind}-{stamp}-{attempt}")
    for source, destination in zip(_with_companions(path), _with_companions(target)):
        if source.exists():
            os.rename(source, destination)
    return target


def _with_companions(path: Path) -> list[Path]:
    return [path] + [path.with_name(path.name + suffix) for suffix in COMPANIONS]
