"""The collector's one SQLite store: WAL journal, named migrations applied at start-up.

Example:
    >>> import tempfile, os
    >>> db = open_store(os.path.join(tempfile.mkdtemp(), "c.sqlite"))
    >>> "tickets" in db.table_names()
    True
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from collector.errors import StoreError
from collector.migrations import load_all
from edge_agent.contract.paths import state_path

__all__ = ["open_store", "write_transaction", "DEFAULT_DB"]

#: The store when none is named: in ``$GRIDWATCH_STATE_DIR`` (a service) or ``var/``.
DEFAULT_DB = state_path("collector.sqlite")


def open_store(path: str | os.PathLike[str]) -> sqlite_utils.Database:
    """Open (or create) the store at ``path``, enable WAL and apply pending migrations.

    ``":memory:"`` opens a private in-memory store (tests). Raises :class:`StoreError` when the file
    cannot be opened or a migration fails.
    """
    try:
        if str(path) == ":memory:":
            db = sqlite_utils.Database(memory=True)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite_utils.Database(Path(path))
            db.enable_wal()
            db.execute("PRAGMA synchronous = FULL")  # a commit is durable before the broker ack
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 5000")
        load_all().apply(db)
    except (sqlite3.Error, OSError) as err:
        raise StoreError(f"{path}: cannot open or migrate the store: {err}") from err
    return db


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A transaction that reads and then writes: ``BEGIN IMMEDIATE`` (a savepoint when nested).

    In WAL mode a plain (deferred) transaction that has read cannot take the write lock while
    another connection writes: SQLite answers "database is locked" at once, without waiting
    ``busy_timeout``. Taking the write lock first makes it wait for the other writer instead.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise
