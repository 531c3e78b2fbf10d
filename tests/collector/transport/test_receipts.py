"""Receipts through a real Mosquitto: entries leave the outbox only once committed at the center."""

from __future__ import annotations

import json

import pytest

from edge_agent.contract.mqtt import BrokerSettings, MqttClient
from edge_agent.contract.signing import sign
from edge_agent.contract.topics import incident_topic, receipt_topic
from edge_agent.publish import MqttPublisher
from tests.collector.transport.helpers import (
    KEY_B1,
    KEY_B2,
    SITE,
    agent_config,
    count,
    incident,
    load_agent,
    stored_ids,
    wait_until,
)

pytestmark = pytest.mark.integration
FAST = {"timeout_s": 0.5, "max_backoff_s": 1.0}


def test_an_entry_waits_for_its_receipt_and_is_sent_again_until_one_comes(
    mosquitto, make_collector, make_publisher
):
    pub = make_publisher(mosquitto.url, receipts=FAST)
    emitted = [incident(i) for i in range(3)]
    for inc in emitted:
        pub.emit(inc)
    # the broker took them (PUBACK), nobody stored them: they stay, "sent, awaiting receipt"
    wait_until(lambda: pub.receipts.waiting == 3, 10, "PUBACKs")
    metrics = pub.metrics_payload()
    assert (metrics["outbox"]["depth"], metrics["outbox"]["awaiting_receipt"]) == (3, 3)
    wait_until(lambda: pub.resent >= 6, 10, "two rounds of resends")
    collector = make_collector(mosquitto.url)
    assert pub.wait_drained(15)
    assert sorted(stored_ids(collector.cfg.db)) == sorted(e.event_id for e in emitted)
    assert pub.metrics_payload()["outbox"]["awaiting_receipt"] == 0


def _box(tmp_path, url: str, box: str, key: bytes) -> MqttPublisher:
    path = agent_config(tmp_path / box, url, box=box, key=key, receipts=FAST)
    pub = MqttPublisher.from_config(load_agent(path), base_dir=path.parent)
    pub.start()
    return pub


def test_two_shared_collectors_receipt_each_box_on_its_own_topic(
    tmp_path, mosquitto, make_collector
):
    shared = [
        make_collector(
            mosquitto.url,
            broker={"url": mosquitto.url, "client_id": f"col-{i}", "shared_group": "collectors"},
        )
        for i in range(2)
    ]
    wait_until(lambda: all(c.client.connected for c in shared), 10, "collectors connected")
    boxes = [
        _box(tmp_path, mosquitto.url, "b1", KEY_B1),
        _box(tmp_path, mosquitto.url, "b2", KEY_B2),
    ]
    try:
        for i in range(100):
            for pub in boxes:
                pub.emit(incident(i, box=pub.box))
        assert all(pub.wait_drained(30) for pub in boxes)
        assert all(c.stats.stored > 0 and c.stats.receipts > 0 for c in shared)  # both stored
        assert count(shared[0].cfg.db, "ingest_incidents") == 200
        assert all(pub.errors.get("receipt_invalid", 0) == 0 for pub in boxes)
    finally:
        for pub in boxes:
            pub.stop(drain_timeout_s=0.2)


def test_a_refused_incident_is_receipted_and_leaves_the_outbox(tmp_path, mosquitto, make_collector):
    collector = make_collector(mosquitto.url)
    pub = _box(tmp_path, mosquitto.url, "b1", KEY_B2)  # signs with a key the center does not
    try:
        pub.emit(incident(0))
        assert pub.wait_drained(15)
        assert pub.errors["refused"] == 1
        assert count(collector.cfg.db, "dead_letters") == 1
    finally:
        pub.stop(drain_timeout_s=0.2)


def test_a_duplicate_is_receipted_again(mosquitto, make_collector):
    make_collector(mosquitto.url)
    client = MqttClient(BrokerSettings(url=mosquitto.url, client_id="dup-box", clean=True))
    receipts: list[dict] = []
    client.subscribe(
        receipt_topic(SITE, "b1"), lambda rec: receipts.append(json.loads(rec.payload))
    )
    client.start()
    wait_until(lambda: client.connected, 10, "connected")
    payload = json.dumps(sign(incident(0).to_payload(), KEY_B1, f"{SITE}/b1")).encode()
    for n in (1, 2):
        client.publish(incident_topic(SITE, "b1", "c1"), payload)
        wait_until(lambda n=n: len(receipts) >= n, 10, "a receipt")
    client.stop()
    event_id = json.loads(payload)["event_id"]
    assert [r["stored"] for r in receipts] == [[event_id], [event_id]]
