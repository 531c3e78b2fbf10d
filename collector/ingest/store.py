"""Write one batch of received messages into the store, in one transaction.

Idempotent on ``event_id``: a duplicated or replayed incident changes nothing (``INSERT OR IGNORE``).
Dead letters keep the reason and at most ``raw_cap`` raw bytes, once per (topic, content).

Filing tickets is a second step (:func:`collector.ingest.filing.file_pending`) over the committed
rows, not part of the batch: the broker is acknowledged as soon as the rows are durable, so a burst
(a box draining a day-long outbox) is not held up by the ticket rules (~1.5 ms per incident), and a
ticket-rule failure can never block ingest. The ``filed`` flag and the ticket change commit
together.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlite_utils

from collector.ingest.receipts import Ref, ref_of_refused
from collector.ingest.validate import Accepted, Limits, Rejected, classify
from collector.store import write_transaction

__all__ = ["BatchResult", "dead_letter", "store_batch", "ORPHAN_GRACE"]

log = logging.getLogger(__name__)

ORPHAN_GRACE = timedelta(minutes=10)
"""How long held evidence (``Limits.hold_orphans``) waits for its incident."""


@dataclass
class BatchResult:
    new: int = 0
    duplicates: int = 0
    dead: int = 0
    other: int = 0
    new_event_ids: list[str] = field(default_factory=list)
    dead_reasons: list[str] = field(default_factory=list)
    receipts: list[Ref] = field(default_factory=list)  # to confirm to the boxes once committed

    def merge(self, other: BatchResult) -> None:
        self.new += other.new
        self.duplicates += other.duplicates
        self.dead += other.dead
        self.other += other.other
        self.new_event_ids += other.new_event_ids
        self.dead_reasons += other.dead_reasons
        self.receipts += other.receipts


def _dead(db, topic: str, rej: Rejected, received_at: str, raw_cap: int, out: BatchResult) -> None:
    db.conn.execute(
        "INSERT OR IGNORE INTO dead_letters(received_at, topic, reason, detail, size, sha256, raw)"
        " VALUES (?,?,?,?,?,?,?)",
        (
            received_at,
            topic[:1024],
            rej.reason,
            rej.detail,
            len(rej.raw),
            rej.sha256,
            rej.raw[:raw_cap],
        ),
    )
    out.dead += 1
    out.dead_reasons.append(rej.reason)
    ref = ref_of_refused(topic, rej.raw, rej.reason)
    if ref is not None:
        out.receipts.append(ref)


def _incident(db, acc: Accepted, topic: str, received_at: str, raw_cap: int, out) -> bool:
    """Store the incident; True when it is new. A conflicting duplicate is a dead letter."""
    p = acc.payload
    assert p is not None
    cur = db.conn.execute(
        "INSERT OR IGNORE INTO ingest_incidents(event_id, incident_id, seq, site, box, camera, zone,"
        " kind, level, state, observed_at, schema_version, topic, payload, received_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            p["event_id"],
            p["id"],
            p["seq"],
            p["site"],
            p["box"],
            p["camera"],
            p["zone"],
            p["kind"],
            p["level"],
            p["state"],
            p["observed_at"],
            p["schema_version"],
            topic,
            acc.raw.decode(),
            received_at,
        ),
    )
    if cur.rowcount == 0:
        if _conflicts(db, acc):
            why = f"event {p['event_id']} is already stored with other content"
            _dead(db, topic, Rejected("conflict", why, acc.raw), received_at, raw_cap, out)
            return False
        out.duplicates += 1
    else:
        out.new += 1
        out.new_event_ids.append(p["event_id"])
    out.receipts.append(Ref(p["site"], p["box"], p["event_id"]))
    return cur.rowcount > 0


def _conflicts(db, acc: Accepted) -> bool:
    """A second, validly signed event with the first one's id but other content (not a resend)."""
    assert acc.payload is not None
    row = db.conn.execute(
        "SELECT payload FROM ingest_incidents WHERE event_id=?", (acc.payload["event_id"],)
    ).fetchone()
    if row is None or row[0] == acc.raw.decode():
        return False
    return bool(json.loads(row[0]) != acc.payload)


def _evidence(db, acc: Accepted, received_at: str) -> Rejected | None:
    t = acc.topic
    row = db.conn.execute(
        "SELECT site, box, camera, payload FROM ingest_incidents WHERE event_id=?", (t.event_id,)
    ).fetchone()
    if row is None:
        return Rejected("evidence_orphan", f"no stored incident event {t.event_id}", acc.raw)
    if (row[0], row[1], row[2]) != (t.site, t.box, t.camera):
        return Rejected("wrong_topic", "evidence topic does not match its incident", acc.raw)
    digest = hashlib.sha256(acc.raw).hexdigest()
    refs = [e for e in json.loads(row[3])["evidence"] if e["name"] == t.name]
    if not refs or refs[0]["sha256"] != digest:
        return Rejected("evidence_hash", f"{t.name}: not referenced with this sha256", acc.raw)
    db.conn.execute(
        "INSERT OR IGNORE INTO evidence_files(event_id, name, sha256, bytes, content_type, data,"
        " received_at) VALUES (?,?,?,?,?,?,?)",
        (
            t.event_id,
            t.name,
            digest,
            len(acc.raw),
            refs[0].get("content_type", "image/jpeg"),
            acc.raw,
            received_at,
        ),
    )
    return None


def _hold(db, topic: str, acc: Accepted, received_at: str) -> None:
    """Keep evidence whose incident is not stored yet (another collector of the group has it)."""
    db.conn.execute(
        "INSERT OR IGNORE INTO evidence_pending(event_id, name, topic, raw, received_at)"
        " VALUES (?,?,?,?,?)",
        (acc.topic.event_id, acc.topic.name, topic, acc.raw, received_at),
    )


def _adopt(db, event_id: str, limits: Limits, received_at: str, raw_cap: int, out) -> None:
    """Store (or dead-letter) the evidence held for an incident that was just stored."""
    rows = db.conn.execute(
        "SELECT topic, raw FROM evidence_pending WHERE event_id=?", (event_id,)
    ).fetchall()
    if not rows:
        return
    db.conn.execute("DELETE FROM evidence_pending WHERE event_id=?", (event_id,))
    for topic, raw in rows:
        verdict = classify(topic, bytes(raw), limits)
        problem = verdict if isinstance(verdict, Rejected) else _evidence(db, verdict, received_at)
        if problem is not None:
            _dead(db, topic, problem, received_at, raw_cap, out)


def _expire(db, received_at: str, raw_cap: int, out: BatchResult) -> None:
    """Held evidence whose incident did not come within :data:`ORPHAN_GRACE`: dead letters."""
    cutoff = (datetime.fromisoformat(received_at) - ORPHAN_GRACE).isoformat(timespec="milliseconds")
    where = "FROM evidence_pending WHERE received_at < ?"
    rows = db.conn.execute(f"SELECT topic, raw, received_at {where}", (cutoff,)).fetchall()
    for topic, raw, held_at in rows:
        why = f"no stored incident since {held_at}"
        _dead(db, topic, Rejected("evidence_orphan", why, bytes(raw)), received_at, raw_cap, out)
    db.conn.execute(f"DELETE {where}", (cutoff,))


def _box_message(db, acc: Accepted, received_at: str) -> None:
    p, t = acc.payload, acc.topic
    assert p is not None
    if acc.kind == "control/ack":
        db.conn.execute(
            "INSERT OR IGNORE INTO control_acks(command_id, site, box, status, reason, payload,"
            " received_at) VALUES (?,?,?,?,?,?,?)",
            (
                p["command_id"],
                t.site,
                t.box,
                p["status"],
                p.get("reason"),
                acc.raw.decode(),
                received_at,
            ),
        )
        return
    db.conn.execute("INSERT OR IGNORE INTO box_status(site, box) VALUES (?, ?)", (t.site, t.box))
    if acc.kind == "status":
        db.conn.execute(
            "UPDATE box_status SET state=?, status=?, status_at=? WHERE site=? AND box=?",
            (p["state"], acc.raw.decode(), received_at, t.site, t.box),
        )
    else:
        db.conn.execute(
            "UPDATE box_status SET metrics=?, metrics_at=? WHERE site=? AND box=?",
            (acc.raw.decode(), received_at, t.site, t.box),
        )


def dead_letter(
    db: sqlite_utils.Database,
    topic: str,
    raw: bytes,
    reason: str,
    detail: str,
    received_at: str,
    raw_cap: int = 4096,
) -> BatchResult:
    """Store one message as a dead letter (its own transaction)."""
    out = BatchResult()
    with db.conn:
        _dead(db, topic, Rejected(reason, detail[:500], raw), received_at, raw_cap, out)
    return out


def store_batch(
    db: sqlite_utils.Database,
    messages: Sequence[tuple[str, bytes]],
    limits: Limits,
    received_at: str,
    raw_cap: int = 4096,
) -> BatchResult:
    """Classify and store ``(topic, raw)`` messages in order; commits once, at the end.

    With ``limits.hold_orphans`` (shared subscriptions), evidence whose incident is not stored yet
    is held and stored when the incident comes (a dead letter after :data:`ORPHAN_GRACE`). The
    batch holds the write lock from its start, so an incident and its evidence committed by two
    collectors at once cannot miss each other.
    """
    out = BatchResult()
    with write_transaction(db):
        for topic, raw in messages:
            verdict = classify(topic, raw, limits)
            if isinstance(verdict, Rejected):
                _dead(db, topic, verdict, received_at, raw_cap, out)
            elif verdict.kind == "incident":
                is_new = _incident(db, verdict, topic, received_at, raw_cap, out)
                if is_new and limits.hold_orphans:
                    event_id = verdict.payload["event_id"] if verdict.payload else ""
                    _adopt(db, event_id, limits, received_at, raw_cap, out)
            elif verdict.kind == "evidence":
                problem = _evidence(db, verdict, received_at)
                if problem is None or (limits.hold_orphans and problem.reason == "evidence_orphan"):
                    if problem is not None:
                        _hold(db, topic, verdict, received_at)
                    out.other += 1
                    t = verdict.topic
                    out.receipts.append(Ref(t.site, t.box, f"{t.event_id}/{t.name}"))
                else:
                    _dead(db, topic, problem, received_at, raw_cap, out)
            else:
                _box_message(db, verdict, received_at)
                out.other += 1
        if limits.hold_orphans:
            _expire(db, received_at, raw_cap, out)
    return out
