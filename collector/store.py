"""The collector's one SQLite store: WAL journal, named migrations applied at start-up.

Example:
    >>> import tempfile, os
    >>> db = open_store(os.path.join(tempfile.mkdtemp(), "c.sqlite"))
    >>> "tickets" in db.table_names()
    True
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from collector.errors import StoreError
from collector.migrations import load_all

__all__ = ["open_store", "DEFAULT_DB"]

DEFAULT_DB = "var/collector.sqlite"


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
