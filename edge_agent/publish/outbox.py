"""Durable outbox: every message is on disk before it is published, and leaves only once delivered.

Delivered means: receipted by the collector for an entry with a ``ref`` (an incident's event id,
``<event_id>/<name>`` of an image; see :mod:`edge_agent.publish.receipts`), acknowledged by the
broker (PUBACK) for the others (control acks).

SQLite in WAL mode with ``synchronous=FULL``: a commit returns only after the WAL is fsynced, so an
incident that :meth:`Outbox.put` accepted survives a power cut (incidents are rare and throttled, so
one fsync each costs nothing that matters). Deleting acknowledged rows is batched; a delete lost to a
crash only means a re-send, which the collector de-duplicates on ``event_id``.

Bounded on disk: the payload bytes held are capped (``max_bytes``). To make room, the oldest evidence
images go first; only when no evidence is left do the oldest incident records go. Every drop is
counted per kind in the ``drops`` table (kept across restarts) and reported in the box metrics.

Example:
    >>> import tempfile, os
    >>> box = Outbox(os.path.join(tempfile.mkdtemp(), "o.sqlite"), max_bytes=10_000)
    >>> box.put("t/incident", b"{}", kind="incident")
    1
    >>> [e.seq for e in box.peek(10)]
    [1]
    >>> box.remove([1]); box.depth()
    0
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from edge_agent.errors import OutboxError

__all__ = ["Outbox", "OutboxEntry", "OutboxStats", "KINDS"]

KINDS = ("incident", "evidence", "ack")
"""Kinds of entries; ``evidence`` is evicted first, then the others, oldest first."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    kind TEXT NOT NULL,
    retain INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    ref TEXT
);
CREATE INDEX IF NOT EXISTS outbox_kind ON outbox(kind, seq);
CREATE TABLE IF NOT EXISTS drops (kind TEXT PRIMARY KEY, count INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    topic: str
    payload: bytes
    kind: str
    retain: bool
    created_at: float
    ref: str | None = None


@dataclass(frozen=True)
class OutboxStats:
    depth: int
    incidents: int
    bytes: int
    oldest_age_s: float | None
    dropped: dict[str, int]


_COLUMNS = "seq, topic, payload, kind, retain, created_at, ref"


def _entry(r: tuple) -> OutboxEntry:
    return OutboxEntry(r[0], r[1], bytes(r[2]), r[3], bool(r[4]), r[5], r[6])


class Outbox:
    """A FIFO of MQTT messages in one SQLite file; thread-safe (one connection behind a lock)."""

    def __init__(self, path: str | os.PathLike[str], max_bytes: int, clock=time.time):
        self.path = Path(path)
        self.max_bytes = int(max_bytes)
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._add_ref_column()
            row = self._db.execute(
                "SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM outbox"
            ).fetchone()
        except sqlite3.Error as err:
            raise OutboxError(f"{self.path}: cannot open the outbox: {err}") from err
        self._bytes = int(row[0])

    def _add_ref_column(self) -> None:
        """Outboxes written before receipts have no ``ref``: their entries leave on PUBACK."""
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(outbox)")}
        if "ref" not in columns:
            self._db.execute("ALTER TABLE outbox ADD COLUMN ref TEXT")
        self._db.execute("CREATE INDEX IF NOT EXISTS outbox_ref ON outbox(ref)")

    def put(
        self,
        topic: str,
        payload: bytes,
        kind: str = "incident",
        retain: bool = False,
        ref: str | None = None,
    ) -> int:
        """Store one message durably (fsynced) and return its sequence number.

        Raises :class:`OutboxError` if it cannot be stored (disk error, or one evidence message larger
        than the whole cap, which is then counted as dropped).
        """
        if kind not in KINDS:
            raise OutboxError(f"unknown outbox kind {kind!r}; one of {KINDS}")
        size = len(payload)
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                if not self._make_room(size, kind):
                    self._count_drop(kind, 1)
                    self._db.execute("COMMIT")
                    raise OutboxError(f"{kind} of {size} bytes does not fit the outbox cap")
                cur = self._db.execute(
                    "INSERT INTO outbox(topic, payload, kind, retain, created_at, ref)"
                    " VALUES (?,?,?,?,?,?)",
                    (topic, payload, kind, int(retain), self._clock(), ref),
                )
                self._db.execute("COMMIT")
            except sqlite3.Error as err:
                self._rollback()
                raise OutboxError(f"{self.path}: cannot store a message: {err}") from err
            self._bytes += size
            return int(cur.lastrowid or 0)

    def put_many(
        self, messages: list[tuple[str, bytes, str | None]], kind: str = "incident"
    ) -> None:
        """Store ``(topic, payload, ref)`` messages in one transaction (one fsync), in order."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                for topic, payload, ref in messages:
                    if not self._make_room(len(payload), kind):
                        self._count_drop(kind, 1)
                        continue
                    self._db.execute(
                        "INSERT INTO outbox(topic, payload, kind, retain, created_at, ref)"
                        " VALUES (?,?,?,0,?,?)",
                        (topic, payload, kind, self._clock(), ref),
                    )
                    self._bytes += len(payload)
                self._db.execute("COMMIT")
            except sqlite3.Error as err:
                self._rollback()
                self._bytes = self._sum_bytes()
                raise OutboxError(f"{self.path}: cannot store messages: {err}") from err

    def _sum_bytes(self) -> int:
        row = self._db.execute("SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM outbox").fetchone()
        return int(row[0])

    def _rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("ROLLBACK")

    def _make_room(self, size: int, kind: str) -> bool:
        """Evict evidence, then (for a non-evidence message) the oldest others, inside the txn."""
        if size > self.max_bytes:
            return False
        order = ["evidence"] if kind == "evidence" else ["evidence", "incident", "ack"]
        for victim in order:
            while self._bytes + size > self.max_bytes:
                row = self._db.execute(
                    "SELECT seq, LENGTH(payload) FROM outbox WHERE kind=? ORDER BY seq LIMIT 1",
                    (victim,),
                ).fetchone()
                if row is None:
                    break
                self._db.execute("DELETE FROM outbox WHERE seq=?", (row[0],))
                self._bytes -= int(row[1])
                self._count_drop(victim, 1)
        return self._bytes + size <= self.max_bytes

    def _count_drop(self, kind: str, n: int) -> None:
        self._db.execute(
            "INSERT INTO drops(kind, count) VALUES (?, ?) "
            "ON CONFLICT(kind) DO UPDATE SET count = count + excluded.count",
            (kind, n),
        )

    def peek(self, limit: int, after_seq: int = 0) -> list[OutboxEntry]:
        """The oldest ``limit`` entries with ``seq > after_seq``, in order."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                (after_seq, limit),
            ).fetchall()
        return [_entry(r) for r in rows]

    def get(self, seqs: Iterable[int]) -> list[OutboxEntry]:
        """The entries of ``seqs`` still held, in order (the others were receipted or evicted)."""
        wanted = sorted({int(s) for s in seqs})
        out: list[OutboxEntry] = []
        with self._lock:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT {_COLUMNS} FROM outbox WHERE seq IN ({marks}) ORDER BY seq"
                out += [_entry(r) for r in self._db.execute(sql, chunk).fetchall()]
        return out

    def remove_refs(self, refs: Iterable[str]) -> int:
        """Delete the entries the collector receipted (one transaction); returns how many."""
        keys = [(r,) for r in refs]
        if not keys:
            return 0
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                total = n = 0
                for key in keys:
                    for (size,) in self._db.execute(
                        "DELETE FROM outbox WHERE ref=? RETURNING LENGTH(payload)", key
                    ).fetchall():
                        total, n = total + int(size), n + 1
                self._db.execute("COMMIT")
            except sqlite3.Error as err:
                self._rollback()
                raise OutboxError(f"{self.path}: cannot remove receipted entries: {err}") from err
            self._bytes -= total
            return n

    def remove(self, seqs: Iterable[int]) -> None:
        """Delete delivered entries (one transaction)."""
        ids = [(int(s),) for s in seqs]
        if not ids:
            return
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                total = 0
                for (seq,) in ids:
                    row = self._db.execute(
                        "DELETE FROM outbox WHERE seq=? RETURNING LENGTH(payload)", (seq,)
                    ).fetchone()
                    total += int(row[0]) if row else 0
                self._db.execute("COMMIT")
            except sqlite3.Error as err:
                self._rollback()
                raise OutboxError(f"{self.path}: cannot remove delivered entries: {err}") from err
            self._bytes -= total

    def depth(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def stats(self) -> OutboxStats:
        with self._lock:
            depth, incidents, oldest = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(kind='incident'), 0), MIN(created_at) FROM outbox"
            ).fetchone()
            dropped = dict(self._db.execute("SELECT kind, count FROM drops").fetchall())
        age = None if oldest is None else max(0.0, self._clock() - oldest)
        return OutboxStats(int(depth), int(incidents), self._bytes, age, dropped)

    def close(self) -> None:
        with self._lock:
            self._db.close()
