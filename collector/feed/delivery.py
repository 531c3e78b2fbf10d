"""Deliver ticket changes to the central queue by webhook: HTTP POST, retries, exponential backoff.

The worker reads changes after its cursor (:mod:`collector.tickets.changes`), POSTs them in batches
and advances the cursor only after the receiver answered 2xx. A failed POST (connection refused,
timeout, non-2xx) is retried with exponential backoff, the same batch again, until it is accepted:
nothing is skipped. If the worker stops between the receiver's 2xx and the cursor update, that
batch is sent again on restart — delivery is at-least-once, and the receiver drops repeats by
``(ticket_id, version)``.

Example:
    >>> Backoff(base_s=0.5, factor=2, max_s=4).delay(1), Backoff(0.5, 2, 4).delay(5)
    (0.5, 4.0)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import sqlite_utils

from collector.errors import CollectorError
from collector.tickets.changes import Change, count_changes_after, last_audit_id, read_changes

__all__ = [
    "Backoff",
    "FeedOptions",
    "FeedError",
    "FeedRun",
    "FeedWorker",
    "cursor",
    "feed_status",
    "sign",
    "SIGNATURE_HEADER",
]

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Gridwatch-Signature"
"""Header carrying ``sha256=<hex HMAC of the body>`` when the feed has a secret."""

Render = Callable[[sqlite_utils.Database, Change], dict]


class FeedError(CollectorError):
    """The change feed cannot deliver (gave up after the allowed attempts, or bad options)."""


@dataclass(frozen=True)
class Backoff:
    """Delay before retry ``n`` (1-based): ``base_s * factor**(n-1)``, capped at ``max_s``."""

    base_s: float = 1.0
    factor: float = 2.0
    max_s: float = 60.0

    def delay(self, attempt: int) -> float:
        return float(min(self.max_s, self.base_s * self.factor ** max(0, attempt - 1)))


@dataclass(frozen=True)
class FeedOptions:
    """How one feed delivers. ``max_attempts=None`` retries a batch forever (a daemon)."""

    url: str
    name: str = "central"
    batch: int = 50
    backoff: Backoff = field(default_factory=Backoff)
    max_attempts: int | None = None
    poll_s: float = 2.0
    timeout_s: float = 10.0
    secret: str | None = None

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise FeedError(f"feed url must start with http:// or https://; got {self.url!r}")
        if self.batch < 1:
            raise FeedError(f"feed batch must be >= 1; got {self.batch}")


@dataclass
class FeedRun:
    """What one run of the worker did."""

    delivered: int = 0
    batches: int = 0
    failures: int = 0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sign(secret: str, body: bytes) -> str:
    """The signature header value for ``body``: ``sha256=<hex HMAC-SHA256(secret, body)>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def cursor(db: sqlite_utils.Database, name: str, url: str | None = None) -> dict:
    """The cursor row of feed ``name``, created at 0 (from the first change) when new."""
    rows = list(db["feed_cursors"].rows_where("name = ?", [name]))
    if rows:
        if url and rows[0]["url"] != url:
            db.table("feed_cursors").update(name, {"url": url, "updated_at": _now()})
            rows[0]["url"] = url
        return rows[0]
    if not url:
        raise FeedError(f"no feed named {name!r}")
    row = {"name": name, "url": url, "last_audit_id": 0, "delivered": 0, "failures": 0}
    db.table("feed_cursors").insert(row | {"last_error": None, "updated_at": _now()}, pk="name")
    return cursor(db, name)


def _plain(db: sqlite_utils.Database, change: Change) -> dict:
    return change.to_dict()


class FeedWorker:
    """Delivers the changes of one feed; ``stop`` (an Event) ends :meth:`run` between steps."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        options: FeedOptions,
        client: httpx.Client | None = None,
        render: Render | None = None,
        stop: threading.Event | None = None,
    ):
        self.db = db
        self.options = options
        self.client = client or httpx.Client(timeout=options.timeout_s)
        self.render = render or _plain
        self.stop = stop or threading.Event()
        cursor(db, options.name, options.url)

    def pending(self) -> int:
        """How many changes wait for delivery."""
        return count_changes_after(self.db, cursor(self.db, self.options.name)["last_audit_id"])

    def _body(self, changes: list[Change]) -> bytes:
        docs = [self.render(self.db, c) for c in changes]
        payload = {"feed": self.options.name, "sent_at": _now(), "changes": docs}
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()

    def _post(self, body: bytes) -> str | None:
        """POST once; ``None`` on a 2xx answer, else the reason of the failure."""
        headers = {"Content-Type": "application/json", "X-Gridwatch-Feed": self.options.name}
        if self.options.secret:
            headers[SIGNATURE_HEADER] = sign(self.options.secret, body)
        try:
            resp = self.client.post(self.options.url, content=body, headers=headers)
        except httpx.HTTPError as err:
            return f"{type(err).__name__}: {err}"
        return None if resp.is_success else f"HTTP {resp.status_code}"

    def _record(self, last_id: int, count: int, error: str | None) -> None:
        name = self.options.name
        if error is None:
            sql = (
                "UPDATE feed_cursors SET last_audit_id = ?, delivered = delivered + ?,"
                " last_error = NULL, updated_at = ? WHERE name = ? AND last_audit_id < ?"
            )
            params: list = [last_id, count, _now(), name, last_id]
        else:
            sql = (
                "UPDATE feed_cursors SET failures = failures + 1, last_error = ?, updated_at = ?"
                " WHERE name = ?"
            )
            params = [error, _now(), name]
        with self.db.conn:
            self.db.execute(sql, params)

    def deliver_batch(self, run: FeedRun) -> int:
        """Deliver the next batch, retrying with backoff; the number of changes delivered.

        Returns 0 when nothing is pending or when stopped before the batch was accepted. Raises
        :class:`FeedError` after ``max_attempts`` failed attempts.
        """
        after = cursor(self.db, self.options.name)["last_audit_id"]
        changes = read_changes(self.db, after, self.options.batch)
        if not changes:
            return 0
        body = self._body(changes)
        attempt = 0
        while True:
            attempt += 1
            error = self._post(body)
            self._record(changes[-1].audit_id, len(changes), error)
            if error is None:
                run.batches += 1
                run.delivered += len(changes)
                return len(changes)
            run.failures += 1
            limit = self.options.max_attempts
            log.warning("feed %s: attempt %d failed: %s", self.options.name, attempt, error)
            if limit is not None and attempt >= limit:
                raise FeedError(
                    f"feed {self.options.name!r} -> {self.options.url}: gave up after "
                    f"{attempt} attempt(s); last error: {error}"
                )
            if self.stop.wait(self.options.backoff.delay(attempt)):
                return 0

    def run(self, until_idle: bool = False) -> FeedRun:
        """Deliver until stopped (or, with ``until_idle``, until nothing is pending)."""
        run = FeedRun()
        while not self.stop.is_set():
            if self.deliver_batch(run):
                continue
            if until_idle or self.stop.wait(self.options.poll_s):
                break
        return run


def feed_status(db: sqlite_utils.Database) -> tuple[int, list[dict]]:
    """The newest audit id, and each feed's cursor row with its ``pending`` changes."""
    rows = list(db["feed_cursors"].rows)
    for row in rows:
        row["pending"] = count_changes_after(db, row["last_audit_id"])
    return last_audit_id(db), rows
