"""Retained status (online / stopped / last-will offline), metrics and evidence images."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import numpy as np
import pytest

from edge_agent.contract.mqtt import BrokerSettings, MqttClient
from edge_agent.contract.topics import status_topic
from edge_agent.incidents.evidence import EvidenceStore
from tests.collector.transport.helpers import SITE, incident, wait_until
from tests.fixtures.mosquitto import TcpProxy

pytestmark = pytest.mark.integration


def _watch_status(url: str) -> tuple[MqttClient, list[dict]]:
    seen: list[dict] = []
    client = MqttClient(BrokerSettings(url=url, client_id="status-watch", clean=True))
    client.subscribe(status_topic(SITE, "b1"), lambda rec: seen.append(json.loads(rec.payload)))
    client.start()
    return client, seen


def test_status_online_camera_change_stopped_and_last_will(mosquitto, make_publisher):
    proxy = TcpProxy(mosquitto.port).start()
    watcher, seen = _watch_status(mosquitto.url)
    try:
        pub = make_publisher(proxy.url)
        wait_until(lambda: any(s["state"] == "online" for s in seen), 10, "online")
        pub.update_camera("c1", "running", fps=2.0)
        wait_until(
            lambda: seen[-1].get("cameras", {}).get("c1", {}).get("state") == "running",
            10,
            "camera state",
        )
        assert seen[-1]["cameras"]["c1"]["fps"] == 2.0
        proxy.cut()  # the box vanishes: the broker publishes its last will
        wait_until(lambda: seen[-1]["state"] == "offline", 20, "last will")
        assert seen[-1] == {"schema_version": "1.0", "site": SITE, "box": "b1", "state": "offline"}
        proxy.restore()
        wait_until(lambda: seen[-1]["state"] == "online", 20, "online again")
        pub.stop()
        wait_until(lambda: seen[-1]["state"] == "stopped", 10, "stopped")
    finally:
        watcher.stop()
        proxy.stop()


def test_metrics_and_status_reach_the_collector(mosquitto, make_collector, make_publisher):
    collector = make_collector(mosquitto.url)
    wait_until(lambda: collector.client.connected, 10, "collector connected")
    make_publisher(mosquitto.url).update_camera("c1", "running", fps=1.5)
    db = collector.cfg.db

    def row():
        import sqlite3

        conn = sqlite3.connect(db)
        try:
            return conn.execute("SELECT state, status, metrics FROM box_status").fetchone()
        finally:
            conn.close()

    wait_until(lambda: row() is not None and row()[2] is not None, 15, "metrics stored")
    state, status, metrics = row()
    assert state == "online" and json.loads(status)["cameras"]["c1"]["fps"] == 1.5
    assert json.loads(metrics)["outbox"]["depth"] >= 0
    assert collector.stats.dead == 0


def test_evidence_image_travels_and_is_checked_against_the_signed_hash(
    tmp_path, mosquitto, make_collector, make_publisher
):
    collector = make_collector(mosquitto.url)
    pub = make_publisher(mosquitto.url)
    store = EvidenceStore(pub.evidence_dir, max_bytes=50_000)
    inc = incident(0)
    image = np.random.default_rng(1).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    ev = store.save(inc.id, 0, "annotated", image)
    pub.emit(replace(inc, evidence=(ev,)))
    wait_until(
        lambda: collector.stats.other >= 1 and collector.stats.stored >= 1,
        15,
        "incident and evidence stored",
    )
    import sqlite3

    conn = sqlite3.connect(collector.cfg.db)
    try:
        name, digest, data = conn.execute(
            "SELECT name, sha256, data FROM evidence_files"
        ).fetchone()
    finally:
        conn.close()
    assert (name, digest) == (ev.name, ev.sha256)
    assert hashlib.sha256(data).hexdigest() == ev.sha256
