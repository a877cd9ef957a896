"""One explicit write transaction, shared by the migrations and every write of the history."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """`BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` on any error.

    IMMEDIATE takes the write lock up front: waiting for it happens at BEGIN (within the busy
    timeout), never midway, where SQLite could only give up with "database is locked".
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if connection.in_transaction:  # SQLite rolls back by itself after some errors (a full disk)
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
