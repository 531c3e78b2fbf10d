"""Store-derived metrics: ingest counts, dead letters by reason, tickets by state, overdue
tickets, and how far each feed lags behind the ticket changes. Each figure is read through the
room that owns its tables (ingest, tickets, feed)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from collector.feed.delivery import feed_status
from collector.ingest.counts import dead_letters_by_reason, stored_incidents
from collector.tickets.changes import oldest_change_after
from collector.tickets.model import from_db_time
from collector.tickets.queries import count_by_state, count_overdue

__all__ = ["StoreMetrics", "registry_for"]

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
            families = list(self._families(sqlite_utils.Database(conn)))
        except sqlite3.Error:  # missing tables (not migrated yet) or a busy store
            yield _up(False)
            return
        finally:
            conn.close()
        yield _up(True)
        yield from families

    def _families(self, db: sqlite_utils.Database) -> Iterator[Family]:
        now = self.clock()
        yield CounterMetricFamily(
            "gridwatch_collector_incidents_stored",
            "Incident events stored (exactly once each); rate() is the ingest rate.",
            value=stored_incidents(db),
        )
        yield _labelled(
            CounterMetricFamily(
                "gridwatch_collector_dead_letters",
                "Messages refused by the ingest, by reason.",
                labels=["reason"],
            ),
            dead_letters_by_reason(db),
        )
        yield _labelled(
            GaugeMetricFamily(
                "gridwatch_collector_tickets", "Tickets by workflow state.", labels=["state"]
            ),
            count_by_state(db),
        )
        yield GaugeMetricFamily(
            "gridwatch_collector_tickets_overdue",
            "Open tickets past their due time.",
            value=count_overdue(db, now),
        )
        yield from _feed_lag(db, now)

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


def _labelled(family: Family, values: Mapping[str, int]) -> Family:
    for key, value in sorted(values.items()):
        family.add_metric([key], float(value))
    return family


def _feed_lag(db: sqlite_utils.Database, now: datetime) -> Iterator[GaugeMetricFamily]:
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
    _, cursors = feed_status(db)
    for row in cursors:
        changes.add_metric([row["name"]], float(row["pending"]))
        oldest = oldest_change_after(db, row["last_audit_id"])
        when = from_db_time(oldest) if oldest else None
        age = 0.0 if when is None else max(0.0, (now - when).total_seconds())
        seconds.add_metric([row["name"]], age)
    yield changes
    yield seconds
