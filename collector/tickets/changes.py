"""Ticket changes read from the append-only audit table, numbered per ticket.

Every workflow step writes one ``ticket_audit`` row (see :mod:`collector.tickets.schema`). The n-th
audit row of a ticket is its version ``n``: versions start at 1 and grow by one with each change,
so ``(ticket_id, version)`` names a change for good and is the receiver's idempotency key.

SQLite runs one write transaction at a time and gives a new row the next ``id``, so audit ids are
committed in increasing order: a cursor "last id delivered" never skips a row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlite_utils

__all__ = [
    "Change",
    "read_changes",
    "ticket_version",
    "last_audit_id",
    "count_changes_after",
    "oldest_change_after",
]

_SELECT = """
SELECT a.id, a.ticket_id, a.action, a.from_state, a.to_state, a.actor, a.role, a.at, a.note,
       (SELECT COUNT(*) FROM ticket_audit b WHERE b.ticket_id = a.ticket_id AND b.id <= a.id)
FROM ticket_audit a
WHERE a.id > ?
ORDER BY a.id
LIMIT ?
"""


@dataclass(frozen=True)
class Change:
    """One change of one ticket (one audit row)."""

    audit_id: int
    ticket_id: int
    action: str
    from_state: str | None
    to_state: str
    actor: str
    role: str
    at: str
    note: str | None
    version: int

    @property
    def key(self) -> str:
        """The idempotency key ``"<ticket>:<version>"``."""
        return f"{self.ticket_id}:{self.version}"

    def to_dict(self) -> dict:
        return asdict(self) | {"key": self.key}


def read_changes(db: sqlite_utils.Database, after_id: int, limit: int = 100) -> list[Change]:
    """The changes with audit id greater than ``after_id``, oldest first, at most ``limit``."""
    return [Change(*row) for row in db.execute(_SELECT, [after_id, limit]).fetchall()]


def ticket_version(db: sqlite_utils.Database, ticket_id: int) -> int:
    """The ticket's current version: its number of audit rows (0 for a ticket without any)."""
    sql = "SELECT COUNT(*) FROM ticket_audit WHERE ticket_id = ?"
    return int(db.execute(sql, [ticket_id]).fetchone()[0])


def last_audit_id(db: sqlite_utils.Database) -> int:
    """The id of the newest audit row (0 when empty)."""
    return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM ticket_audit").fetchone()[0])


def count_changes_after(db: sqlite_utils.Database, after_id: int) -> int:
    """How many changes have an audit id greater than ``after_id`` (a feed's backlog)."""
    sql = "SELECT COUNT(*) FROM ticket_audit WHERE id > ?"
    return int(db.execute(sql, [after_id]).fetchone()[0])


def oldest_change_after(db: sqlite_utils.Database, after_id: int) -> str | None:
    """When the first change after audit id ``after_id`` happened (stored UTC text), if any."""
    sql = "SELECT at FROM ticket_audit WHERE id > ? ORDER BY id LIMIT 1"
    row = db.execute(sql, [after_id]).fetchone()
    return None if row is None else str(row[0])
