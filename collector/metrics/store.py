"""Store-derived metrics: ingest counts, dead letters by reason, tickets by state, overdue
tickets, and how far each feed lags behind the ticket changes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = ["StoreMetrics", "registry_for", "CLOSED_STATES"]

#: Ticket states in which a due time no longer matters.
CLOSED_STATES = ("closed", "void", "duplicate")

Family = CounterMetricFamily | GaugeMetricFamily


class StoreMetrics(Collector):
    """A prometheus-client collector over the store at ``db`` (opened read-only per scrape).

    Example:
        >>> import tempfile, os
        >>> from collector.store import open_store
        >>> path = os.path.join(tempfile.mkdtemp(), "c.sqlite"); open_store(path).close()
        >>> names = [f.name for f in StoreMetrics(path).collect()]
        >>> "gridwatch_collector_incidents_stored" in names
        True
    """

    def __init__(self, db: str | Path, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.db = Path(db)
        self.clock = clock

    def collect(self) -> Iterator[Family]:
        try:
            conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=2)
        except sqlite3.Error:
            yield _up(False)
            return
        try:
            families = list(self._families(conn))
        except sqlite3.Error:  # missing tables (not migrated yet) or a busy store
            yield _up(False)
            return
        finally:
            conn.close()
        yield _up(True)
        yield from families

    def _families(self, conn: sqlite3.Connection) -> Iterator[Family]:
        now = self.clock()
        yield _single(
            CounterMetricFamily,
            "gridwatch_collector_incidents_stored",
            "Incident events stored (exactly once each); rate() is the ingest rate.",
            conn.execute("SELECT COUNT(*) FROM ingest_incidents").fetchone()[0],
        )
        yield _labelled(
            CounterMetricFamily,
            "gridwatch_collector_dead_letters",
            "Messages refused by the ingest, by reason.",
            "reason",
            conn.execute("SELECT reason, COUNT(*) FROM dead_letters GROUP BY reason"),
        )
        yield _labelled(
            GaugeMetricFamily,
            "gridwatch_collector_tickets",
            "Tickets by workflow state.",
            "state",
            conn.execute("SELECT state, COUNT(*) FROM tickets GROUP BY state"),
        )
        yield _single(
            GaugeMetricFamily,
            "gridwatch_collector_tickets_overdue",
            "Open tickets past their due time.",
            _overdue(conn, now),
        )
        yield from _feed_lag(conn, now)

    def describe(self) -> Iterator[Family]:
        return iter(())  # no describe: registering must not open the store


def registry_for(db: str | Path) -> CollectorRegistry:
    """A registry holding only this store's metrics (never the process-global one)."""
    registry = CollectorRegistry()
    registry.register(StoreMetrics(db))
    return registry


def _up(ok: bool) -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "gridwatch_collector_store_up", "1 when the store could be read.", value=1.0 if ok else 0.0
    )


def _single(kind: type[Family], name: str, doc: str, value: Any) -> Family:
    return kind(name, doc, value=float(value or 0))


def _labelled(kind: type[Family], name: str, doc: str, label: str, rows: Any) -> Family:
    family = kind(name, doc, labels=[label])
    for key, value in rows:
        family.add_metric([str(key)], float(value))
    return family


def _overdue(conn: sqlite3.Connection, now: datetime) -> int:
    marks = ",".join("?" * len(CLOSED_STATES))
    sql = f"SELECT due_at FROM tickets WHERE due_at IS NOT NULL AND state NOT IN ({marks})"
    return sum(_parse(due) <= now for (due,) in conn.execute(sql, CLOSED_STATES))


def _feed_lag(conn: sqlite3.Connection, now: datetime) -> Iterator[GaugeMetricFamily]:
    changes = GaugeMetricFamily(
        "gridwatch_collector_feed_lag_changes",
        "Ticket changes not yet delivered, per feed.",
        labels=["feed"],
    )
    seconds = GaugeMetricFamily(
        "gridwatch_collector_feed_lag_seconds",
        "Age of the oldest undelivered ticket change, per feed (0 when caught up).",
        labels=["feed"],
    )
    sql = (
        "SELECT f.name, (SELECT COUNT(*) FROM ticket_audit a WHERE a.id > f.last_audit_id),"
        " (SELECT MIN(a.at) FROM ticket_audit a WHERE a.id > f.last_audit_id) FROM feed_cursors f"
    )
    for name, pending, oldest in conn.execute(sql):
        changes.add_metric([name], float(pending))
        age = 0.0 if oldest is None else max(0.0, (now - _parse(oldest)).total_seconds())
        seconds.add_metric([name], age)
    yield changes
    yield seconds


def _parse(text: str) -> datetime:
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)
