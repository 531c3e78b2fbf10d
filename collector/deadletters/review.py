"""Reviewing dead letters: list, show, retry (after a fix) and drop, each retry and drop audited.

A retry runs the message's kept bytes through the very validation of the ingest
(:func:`collector.ingest.store.store_batch` with the collector's current limits and box keys): after
a box's key was rotated in ``box_keys_file``, its refused incidents go in; one that is still
refused stays with its new reason. A dead letter whose bytes were capped
(``dead_letter_raw_bytes``) cannot be retried: the box must send it again.

Example:
    >>> from collector.store import open_store
    >>> from collector.ingest.store import dead_letter
    >>> db = open_store(":memory:")
    >>> _ = dead_letter(db, "gridwatch/v1/xitang/b1/c1/incident", b"{", "invalid_json", "bad", "t")
    >>> [(d.id, d.reason, d.box) for d in list_dead_letters(db)]
    [(1, 'invalid_json', 'xitang/b1')]
    >>> drop(db, 1, Reviewer("wang.duty", "2026-12-01T08:00:00+00:00", "test junk"))
    >>> list_dead_letters(db), [r["action"] for r in review_trail(db, 1)]
    ([], ['drop'])
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sqlite_utils

from collector.errors import CollectorError
from collector.ingest.store import store_batch
from collector.ingest.validate import Limits, Rejected, classify
from collector.store import write_transaction

__all__ = [
    "DeadLetter",
    "DeadLetterError",
    "Reviewer",
    "RetryOutcome",
    "list_dead_letters",
    "get_dead_letter",
    "retry",
    "drop",
    "review_trail",
]

_COLUMNS = "id, received_at, topic, reason, detail, size, sha256, raw"


class DeadLetterError(CollectorError):
    """A dead letter is not there, or cannot be retried as asked."""


@dataclass(frozen=True)
class DeadLetter:
    id: int
    received_at: str
    topic: str
    reason: str
    detail: str | None
    size: int
    sha256: str
    raw: bytes  # at most dead_letter_raw_bytes of the message

    @property
    def box(self) -> str | None:
        """``site/box`` from the topic (``gridwatch/v1/<site>/<box>/...``), if it has one."""
        parts = self.topic.split("/")
        return (
            f"{parts[2]}/{parts[3]}"
            if len(parts) > 4 and parts[:2] == ["gridwatch", "v1"]
            else None
        )

    @property
    def complete(self) -> bool:
        return len(self.raw) == self.size

    def to_json(self, raw_chars: int = 0) -> dict[str, Any]:
        """The fields; with ``raw_chars`` the kept bytes, as text where they decode."""
        out: dict[str, Any] = {k: getattr(self, k) for k in _COLUMNS.split(", ")[:-1]}
        out |= {"box": self.box, "kept_bytes": len(self.raw), "complete": self.complete}
        if raw_chars:
            out["raw"] = preview(self.raw, raw_chars)
        return out


def preview(raw: bytes, chars: int) -> str:
    """The bytes as text (UTF-8, invalid bytes escaped), cut at ``chars`` with a marker."""
    text = raw.decode("utf-8", errors="backslashreplace")
    return text if len(text) <= chars else text[:chars] + f"... ({len(text) - chars} more)"


@dataclass(frozen=True)
class Reviewer:
    """Who reviews, when (ISO 8601 UTC) and why."""

    actor: str
    at: str
    note: str = ""

    def __post_init__(self) -> None:
        if not self.actor.strip():
            raise DeadLetterError("a review needs an actor (--actor or GRIDWATCH_ACTOR)")


@dataclass(frozen=True)
class RetryOutcome:
    """``stored`` (now an incident or evidence), ``duplicate`` (it was stored meanwhile) or
    ``refused`` (still a dead letter, with the reason of this try)."""

    dead_letter_id: int
    outcome: str
    reason: str | None = None
    detail: str | None = None


def _from_row(row: tuple[Any, ...]) -> DeadLetter:
    i, received_at, topic, reason, detail, size, sha256, raw = row
    return DeadLetter(i, received_at, topic, reason, detail, size, sha256, bytes(raw))


def list_dead_letters(
    db: sqlite_utils.Database,
    reason: str | None = None,
    box: str | None = None,
    limit: int = 100,
) -> list[DeadLetter]:
    """Newest first; ``box`` is ``site/box`` or a box id."""
    where, params = ["1 = 1"], []
    if reason:
        where.append("reason = ?")
        params.append(reason)
    if box:
        where.append("topic LIKE ?")
        params.append(f"gridwatch/v1/{box}/%" if "/" in box else f"gridwatch/v1/%/{box}/%")
    sql = (
        f"SELECT {_COLUMNS} FROM dead_letters WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?"
    )
    return [_from_row(r) for r in db.execute(sql, [*params, limit]).fetchall()]


def get_dead_letter(db: sqlite_utils.Database, dead_letter_id: int) -> DeadLetter:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM dead_letters WHERE id = ?", [dead_letter_id]
    ).fetchone()
    if row is None:
        raise DeadLetterError(f"no dead letter {dead_letter_id}")
    return _from_row(row)


def _review(
    db: sqlite_utils.Database, d: DeadLetter, action: str, outcome: str, who: Reviewer
) -> None:
    db.execute(
        "INSERT INTO dead_letter_reviews (dead_letter_id, action, outcome, actor, at, note, topic,"
        " reason, sha256, size, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [d.id, action, outcome, who.actor, who.at, who.note or None, d.topic, d.reason]
        + [d.sha256, d.size, d.received_at],
    )


def retry(
    db: sqlite_utils.Database, dead_letter_id: int, limits: Limits, who: Reviewer
) -> RetryOutcome:
    """Validate and store the message again; it leaves the dead letters only when stored."""
    with write_transaction(db):
        d = get_dead_letter(db, dead_letter_id)
        if not d.complete:
            raise DeadLetterError(
                f"dead letter {d.id}: only {len(d.raw)} of {d.size} bytes were kept "
                f"(dead_letter_raw_bytes); box {d.box or '?'} must send it again"
            )
        limits = replace(limits, hold_orphans=False)  # evidence without its incident stays here
        verdict = classify(d.topic, d.raw, limits)
        if isinstance(verdict, Rejected):
            return _still_refused(db, d, verdict.reason, verdict.detail, who)
        # the same transaction as the ingest's, inside ours (a savepoint)
        result = store_batch(db, [(d.topic, d.raw)], limits, who.at)
        if result.dead:  # refused by a rule after validation (an orphan, a wrong hash)
            return _still_refused(db, d, result.dead_reasons[0], "refused when stored", who)
        outcome = "duplicate" if result.duplicates else "stored"
        db.execute("DELETE FROM dead_letters WHERE id = ?", [d.id])
        _review(db, d, "retry", outcome, who)
    return RetryOutcome(d.id, outcome)


def _still_refused(
    db: sqlite_utils.Database, d: DeadLetter, reason: str, detail: str, who: Reviewer
) -> RetryOutcome:
    db.execute(
        "UPDATE dead_letters SET reason = ?, detail = ? WHERE id = ?", [reason, detail[:500], d.id]
    )
    _review(db, d, "retry", f"refused: {reason}", who)
    return RetryOutcome(d.id, "refused", reason, detail)


def drop(db: sqlite_utils.Database, dead_letter_id: int, who: Reviewer) -> None:
    """Delete the dead letter for good; the review trail keeps what it was and who dropped it."""
    if not who.note.strip():
        raise DeadLetterError(f"dead letter {dead_letter_id}: dropping needs a reason (--note)")
    with write_transaction(db):
        d = get_dead_letter(db, dead_letter_id)
        db.execute("DELETE FROM dead_letters WHERE id = ?", [d.id])
        _review(db, d, "drop", "dropped", who)


def review_trail(
    db: sqlite_utils.Database, dead_letter_id: int | None = None
) -> list[dict[str, Any]]:
    """Retries and drops, oldest first (of one dead letter if given)."""
    where, params = ("WHERE dead_letter_id = ?", [dead_letter_id]) if dead_letter_id else ("", [])
    sql = f"SELECT * FROM dead_letter_reviews {where} ORDER BY id"
    return [dict(r) for r in db.query(sql, params)]
