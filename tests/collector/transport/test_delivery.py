"""Every incident event an agent emits is stored at the center exactly once (real Mosquitto)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from edge_agent.contract.mqtt import BrokerSettings, MqttClient
from edge_agent.contract.signing import sign
from edge_agent.contract.topics import incident_topic
from edge_agent.incidents.evidence import EvidenceStore
from tests.collector.transport.helpers import (
    KEY_B1,
    SITE,
    count,
    incident,
    stored_ids,
    wait_until,
)
from tests.fixtures.mosquitto import TcpProxy

pytestmark = pytest.mark.integration


def _assert_exactly_once(db_path, emitted) -> list[str]:
    ids = stored_ids(db_path)
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(e.event_id for e in emitted)
    return ids


def test_broker_restarted_mid_stream(mosquitto, make_collector, make_publisher):
    collector = make_collector(mosquitto.url)
    pub = make_publisher(mosquitto.url)
    emitted = [incident(i) for i in range(300)]
    for i, inc in enumerate(emitted):
        pub.emit(inc)
        if i == 120:
            mosquitto.restart()
    wait_until(lambda: collector.stats.stored >= len(emitted), 60, "all incidents stored")
    assert pub.wait_drained(10)
    _assert_exactly_once(collector.cfg.db, emitted)
    assert pub.client.generation >= 2 and collector.client.generation >= 2  # both reconnected


def test_agent_cut_off_then_reconnected_drains_in_order(mosquitto, make_collector, make_publisher):
    collector = make_collector(mosquitto.url)
    proxy = TcpProxy(mosquitto.port).start()
    try:
        pub = make_publisher(proxy.url)
        first = [incident(i) for i in range(40)]
        for inc in first:
            pub.emit(inc)
        wait_until(lambda: collector.stats.stored == 40, 30, "the first 40 stored")
        assert pub.wait_drained(10)  # and receipted: they left the outbox
        proxy.cut()
        wait_until(lambda: not pub.client.connected, 10, "the agent to notice the cut")
        during = [incident(i) for i in range(40, 200)]
        for inc in during:
            pub.emit(inc)
        metrics = pub.metrics_payload()
        assert metrics["connected"] is False
        assert metrics["outbox"]["incidents"] == len(during)
        assert metrics["outbox"]["oldest_age_s"] >= 0
        assert collector.stats.stored == 40
        proxy.restore()
        wait_until(lambda: collector.stats.stored >= 200, 60, "the outbox drained")
        assert pub.wait_drained(10)  # the receipts came back through the proxy
    finally:
        proxy.stop()
    ids = _assert_exactly_once(collector.cfg.db, first + during)
    assert ids == [e.event_id for e in first + during]  # order kept
    assert pub.client.generation == 2


def _raw_client(url: str, name: str) -> MqttClient:
    client = MqttClient(BrokerSettings(url=url, client_id=name, clean=True))
    client.start()
    wait_until(lambda: client.connected, 10, "raw client connected")
    return client


def test_duplicated_and_out_of_order_deliveries(mosquitto, make_collector):
    collector = make_collector(mosquitto.url)
    client = _raw_client(mosquitto.url, "dup-sender")
    events = [incident(i, incident_id="01J0000000000000000000000A") for i in range(30)]
    payloads = [json.dumps(sign(e.to_payload(), KEY_B1, f"{SITE}/b1")).encode() for e in events]
    order = list(reversed(range(30))) + list(range(0, 30, 3)) + list(range(0, 30, 2))
    topic = incident_topic(SITE, "b1", "c1")
    deliveries = [client.publish(topic, payloads[i]) for i in order]
    wait_until(lambda: all(d.done() for d in deliveries), 10, "publishes acknowledged")
    wait_until(lambda: collector.stats.received >= len(order), 20, "all deliveries processed")
    client.stop()
    _assert_exactly_once(collector.cfg.db, events)
    assert collector.stats.duplicates == len(order) - len(events)
    assert collector.stats.dead == 0


def test_collector_sigkilled_while_ingesting_then_restarted(tmp_path, mosquitto, make_publisher):
    import signal
    import subprocess
    import sys

    import yaml

    from collector.grid.store import import_center, read_center
    from collector.store import open_store
    from tests.collector.transport.helpers import collector_config, count

    cfg = collector_config(tmp_path / "col", mosquitto.url)
    db = open_store(cfg.db)  # the center config, so each event is also filed as a ticket
    center, _, geojson = read_center("configs/grid/cells.geojson")
    import_center(db, center, geojson, "configs/grid")
    db.close()
    conf = tmp_path / "col" / "collector.yaml"
    conf.write_text(yaml.safe_dump(cfg.model_dump(mode="json")))
    exe = str(Path(sys.executable).with_name("collector"))  # the installed console script
    cmd = [exe, "run", "--config", str(conf), "--report-every", "0"]

    log = tmp_path / "collector.log"

    def start() -> subprocess.Popen[bytes]:
        """Start ``collector run``; return once it is connected (its session exists)."""
        before = log.read_text().count("connected (") if log.exists() else 0
        with log.open("ab") as err:
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        wait_until(lambda: log.read_text().count("connected (") > before, 30, "collector up")
        return p

    proc = start()
    try:
        pub = make_publisher(mosquitto.url)
        emitted = [incident(i % 40) for i in range(600)]
        for inc in emitted[:300]:
            pub.emit(inc)
        wait_until(lambda: count(cfg.db, "ingest_incidents") > 100, 30, "ingest under way")
        proc.send_signal(signal.SIGKILL)  # while the first half is still arriving
        proc.wait(timeout=10)
        for inc in emitted[300:]:  # the second half is queued by the broker meanwhile
            pub.emit(inc)
        assert count(cfg.db, "ingest_incidents") < len(emitted)
        proc = start()
        wait_until(lambda: count(cfg.db, "ingest_incidents") >= len(emitted), 90, "all stored")
        wait_until(lambda: count(cfg.db, "ticket_events") >= len(emitted), 60, "all filed")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    _assert_exactly_once(cfg.db, emitted)
    assert count(cfg.db, "ticket_events") == len(emitted), log.read_text()


def test_two_collectors_share_the_load_of_one_store(mosquitto, make_collector, make_publisher):
    shared = [
        make_collector(
            mosquitto.url,
            broker={"url": mosquitto.url, "client_id": f"col-{i}", "shared_group": "collectors"},
        )
        for i in range(2)
    ]
    wait_until(lambda: all(c.client.connected for c in shared), 10, "collectors connected")
    pub = make_publisher(mosquitto.url)
    emitted = [incident(i) for i in range(300)]
    for inc in emitted:
        pub.emit(inc)
    wait_until(lambda: sum(c.stats.stored for c in shared) >= 300, 30, "all stored")
    _assert_exactly_once(shared[0].cfg.db, emitted)
    assert all(c.stats.stored > 0 for c in shared)  # both took a share
    assert sum(c.stats.duplicates for c in shared) == 0


def test_two_collectors_store_every_evidence_image(mosquitto, make_collector, make_publisher):
    """The group hands an incident and its image out independently: one collector may get the
    image before the other committed the incident."""
    shared = [
        make_collector(
            mosquitto.url,
            broker={"url": mosquitto.url, "client_id": f"col-{i}", "shared_group": "collectors"},
        )
        for i in range(2)
    ]
    wait_until(lambda: all(c.client.connected for c in shared), 10, "collectors connected")
    pub = make_publisher(mosquitto.url)
    store = EvidenceStore(pub.evidence_dir, max_bytes=50_000)
    rng = np.random.default_rng(1)
    images = 0
    for i in range(30):  # every third without an image, so the two rotations drift apart
        inc = incident(i)
        if i % 3:
            image = rng.integers(0, 255, (60, 80, 3), dtype=np.uint8)
            inc = replace(inc, evidence=(store.save(inc.id, i, "annotated", image),))
            images += 1
        pub.emit(inc)
    # Every incident and image receipted: all committed (a count of received messages would
    # also count the box's status and metrics, and could be reached early).
    assert pub.wait_drained(30)
    db = shared[0].cfg.db
    assert (count(db, "evidence_files"), count(db, "dead_letters")) == (images, 0)
    assert count(db, "evidence_pending") == 0


def test_outbox_kept_across_an_agent_restart_drains_in_order(
    mosquitto, make_collector, make_publisher
):
    from tests.fixtures.mosquitto import free_port

    collector = make_collector(mosquitto.url)
    offline = make_publisher(f"mqtt://127.0.0.1:{free_port()}")  # nothing listens there
    emitted = [incident(i) for i in range(50)]
    for inc in emitted:
        offline.emit(inc)
    assert offline.outbox.depth() == 50 and not offline.client.connected
    offline.stop(drain_timeout_s=0.1)  # the agent exits with its outbox full
    restarted = make_publisher(mosquitto.url)
    wait_until(lambda: collector.stats.stored >= 50, 30, "the old outbox drained")
    assert stored_ids(collector.cfg.db) == [e.event_id for e in emitted]
    assert restarted.wait_drained(5)
