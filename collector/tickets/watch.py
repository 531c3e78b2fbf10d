"""Read-only queries the staff's console needs besides the ticket rows: a version that moves
with every change (the live queue), the cameras with an open tamper case, and the tickets that
hold an evidence image or an uploaded photo (who may fetch it).

Example:
    >>> from collector.store import open_store
    >>> db = open_store(":memory:")
    >>> tickets_version(db), tampered_cameras(db, {"9003"}), tickets_holding(db, "x.jpg")
    ('0:0', set(), set())
"""

from __future__ import annotations

import sqlite_utils

from collector.tickets.workflow import FINAL

__all__ = ["tickets_version", "tampered_cameras", "tickets_holding"]


def tickets_version(db: sqlite_utils.Database) -> str:
    """Changes whenever a workflow step is written or an incident event is filed."""
    row = db.execute(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM ticket_audit),"
        " (SELECT COUNT(*) FROM ticket_events)"
    ).fetchone()
    return f"{row[0]}:{row[1]}"


def tampered_cameras(db: sqlite_utils.Database, categories: set[str]) -> set[tuple[str, str]]:
    """(site, camera) of every open, not cleared ticket of the given (tamper) categories."""
    if not categories:
        return set()
    marks = ", ".join("?" for _ in categories)
    finals = ", ".join("?" for _ in FINAL)
    rows = db.execute(
        f"SELECT DISTINCT site, camera FROM tickets WHERE category IN ({marks})"
        f" AND state NOT IN ({finals}) AND cleared_at IS NULL AND camera IS NOT NULL",
        [*sorted(categories), *(s.value for s in FINAL)],
    ).fetchall()
    return {(str(r[0]), str(r[1])) for r in rows}


def tickets_holding(db: sqlite_utils.Database, name: str) -> set[int]:
    """Ids of the tickets whose incident evidence or report photos include the file ``name``."""
    like = f'%"{name}"%'
    rows = db.execute(
        "SELECT ticket_id FROM ticket_events WHERE evidence LIKE ?"
        " UNION SELECT ticket_id FROM ticket_audit WHERE action = 'report' AND data LIKE ?",
        [like, like],
    ).fetchall()
    return {int(r[0]) for r in rows}
