"""The collector's ``/metrics`` scraped over HTTP and read with prometheus-client's own parser."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from collector.api.app import ApiSettings, create_app
from collector.feed.delivery import cursor
from collector.ingest.store import store_batch
from collector.ingest.validate import Limits
from collector.metrics import install_metrics
from collector.store import open_store
from collector.tickets import list_tickets
from edge_agent.contract.topics import incident_topic
from tests.collector.api.conftest import ApiWorld, served


def scrape(url: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """``{sample name: {labels: value}}`` of a Prometheus text page."""
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/plain")
    out: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(page.text):
        for sample in family.samples:
            out.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return out


@pytest.fixture(scope="module")
def metrics_url(world: ApiWorld):
    db = open_store(world.db_path)
    bad = [(incident_topic("xitang", "box-01", "bridge-01"), b"{not json")]
    store_batch(db, bad, Limits(require_signatures=False), datetime.now(UTC).isoformat())
    cursor(db, "county", "http://127.0.0.1:9/feed")  # a feed that has delivered nothing yet
    db.close()
    with served(install_metrics(create_app(ApiSettings(str(world.db_path))))) as root:
        yield root.split("/open311")[0] + "/metrics"


def test_tickets_by_state_and_overdue(world: ApiWorld, metrics_url: str) -> None:
    got = scrape(metrics_url)
    db = open_store(world.db_path)
    tickets = list_tickets(db)
    db.close()
    by_state = Counter(t.state.value for t in tickets)
    assert got["gridwatch_collector_tickets"] == {
        (("state", state),): float(n) for state, n in by_state.items()
    }
    now = datetime.now(UTC)
    overdue = [
        t
        for t in tickets
        if t.due_at and t.due_at <= now and t.state.value not in ("closed", "void", "duplicate")
    ]
    assert overdue, "the generated quarter has open tickets past their due time"
    assert got["gridwatch_collector_tickets_overdue"][()] == len(overdue)
    assert got["gridwatch_collector_store_up"][()] == 1.0


def test_ingest_dead_letters_and_feed_lag(world: ApiWorld, metrics_url: str) -> None:
    got = scrape(metrics_url)
    assert got["gridwatch_collector_incidents_stored_total"][()] >= 1
    dead = got["gridwatch_collector_dead_letters_total"]
    assert sum(dead.values()) == 1 and all(k[0][0] == "reason" for k in dead)
    db = open_store(world.db_path)
    (changes,) = db.execute("SELECT COUNT(*) FROM ticket_audit").fetchone()
    db.close()
    assert changes > 0
    assert got["gridwatch_collector_feed_lag_changes"] == {(("feed", "county"),): changes}
    assert got["gridwatch_collector_feed_lag_seconds"][(("feed", "county"),)] > 0
