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


_LETTERS = """CREATE TABLE dead_letters_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at TEXT NOT NULL,
        topic TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        raw BLOB NOT NULL,
        UNIQUE (topic, sha256)
    )"""
_COLUMNS = "id, received_at, topic, reason, detail, size, sha256, raw"


@migration("deadletters_0002_ids_never_reused")
def _ids_never_reused(db: sqlite_utils.Database) -> None:
    """Dead-letter ids are never handed out twice, so a review trail (keyed by the id) belongs to
    one letter only.

    Without AUTOINCREMENT SQLite gave the id of a dropped or stored newest letter to the next one,
    which then showed the other letter's reviews. The table is rebuilt with AUTOINCREMENT, its rows
    and ids kept; the counter starts above every id a review names; a letter whose id already has
    reviews of another letter (their hash and arrival differ: a reuse before this migration) gets
    a fresh id, so no trail is shared from here on.
    """
    db.execute(_LETTERS)
    db.execute(f"INSERT INTO dead_letters_new ({_COLUMNS}) SELECT {_COLUMNS} FROM dead_letters")
    db.execute("DROP TABLE dead_letters")
    db.execute("ALTER TABLE dead_letters_new RENAME TO dead_letters")
    db.execute("CREATE INDEX dead_letters_reason ON dead_letters(reason)")
    top = db.execute(
        "SELECT MAX((SELECT COALESCE(MAX(id), 0) FROM dead_letters),"
        " (SELECT COALESCE(MAX(dead_letter_id), 0) FROM dead_letter_reviews))"
    ).fetchone()[0]
    shared = db.execute(
        "SELECT d.id FROM dead_letters d WHERE EXISTS (SELECT 1 FROM dead_letter_reviews r"
        " WHERE r.dead_letter_id = d.id AND (r.sha256, r.received_at) != (d.sha256, d.received_at))"
        " ORDER BY d.id"
    ).fetchall()
    for (old,) in shared:
        top += 1
        db.execute("UPDATE dead_letters SET id = ? WHERE id = ?", [top, old])
    db.execute("DELETE FROM sqlite_sequence WHERE name = 'dead_letters'")
    db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('dead_letters', ?)", [top])
