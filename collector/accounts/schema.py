"""Tables of the accounts (see :mod:`collector.migrations`).

- ``accounts``: one row per person who logs in to the console: role, unit, argon2 hash, language,
  failed log-ins in a row and the time the account is locked until.
- ``console_secret``: the key that signs session cookies (created once, kept across restarts).
"""

from __future__ import annotations

import sqlite_utils

from collector.migrations import migration

__all__: list[str] = []


@migration("accounts_0001_accounts")
def _accounts(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE accounts (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            unit TEXT,
            password_hash TEXT NOT NULL,
            locale TEXT NOT NULL DEFAULT 'zh_CN',
            failures INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE TABLE console_secret (id INTEGER PRIMARY KEY CHECK (id = 1), key TEXT)")
