"""Tables of the Open311 API, created by named migrations (see :mod:`collector.migrations`).

- ``api_keys``: one row per API key; only a salted HMAC-SHA256 of the secret is stored, never the
  secret itself. ``scope`` is ``read`` or ``write``; a revoked key keeps its row (``revoked_at``).
  ``member`` (``api_0003_key_members``): the member a write key acts for. Write keys made before
  it have none and are refused until bound (``collector keys bind``); nothing is granted silently.

``api_submissions`` (what a reporter sent with a request) is read by the GeoReport views of the API
and the feed alike, so its migration lives in :mod:`collector.open311.schema`.
"""

from __future__ import annotations

import sqlite_utils

from collector.migrations import migration

__all__: list[str] = []


@migration("api_0001_keys")
def _keys(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
            salt TEXT NOT NULL,
            hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        """
    )


@migration("api_0003_key_members")
def _key_members(db: sqlite_utils.Database) -> None:
    """A write key acts for a named member (account or units.yaml member), in that member's role.
    Existing write keys stay without one: they are refused with the way to bind them, rather
    than bound to an account made up here that would pass the permission table unseen."""
    db.execute("ALTER TABLE api_keys ADD COLUMN member TEXT")
