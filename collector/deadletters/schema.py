"""The dead-letter review trail: one append-only row per retry or drop (who, when, why, outcome)."""

from __future__ import annotations

import sqlite_utils

from collector.migrations import migration

__all__: list[str] = []


@migration("deadletters_0001_review")
def _review(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE dead_letter_reviews (
        id INTEGER PRIMARY KEY,
        dead_letter_id INTEGER NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT,
        topic TEXT NOT NULL,
        reason TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        received_at TEXT NOT NULL
    )"""
    )
    db.execute("CREATE INDEX dead_letter_reviews_letter ON dead_letter_reviews(dead_letter_id)")
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER dead_letter_reviews_no_{verb.lower()} BEFORE {verb} ON "
            "dead_letter_reviews BEGIN SELECT RAISE(ABORT, 'dead_letter_reviews is append-only');"
            " END"
        )
