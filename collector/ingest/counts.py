"""What the ingest has kept so far, for the center's metrics: incidents stored, dead letters."""

from __future__ import annotations

import sqlite_utils

__all__ = ["stored_incidents", "dead_letters_by_reason"]


def stored_incidents(db: sqlite_utils.Database) -> int:
    """Incident events stored (each exactly once).

    Example:
        >>> from collector.store import open_store
        >>> stored_incidents(open_store(":memory:"))
        0
    """
    return int(db.execute("SELECT COUNT(*) FROM ingest_incidents").fetchone()[0])


def dead_letters_by_reason(db: sqlite_utils.Database) -> dict[str, int]:
    """Refused messages per reason (reasons without any are absent)."""
    rows = db.execute("SELECT reason, COUNT(*) FROM dead_letters GROUP BY reason").fetchall()
    return {str(reason): int(n) for reason, n in rows}
