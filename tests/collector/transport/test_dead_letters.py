"""Bad messages go to the dead-letter table with a reason; the good ones are still ingested."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector.ingest.store import store_batch
from collector.ingest.validate import Limits
from collector.store import open_store
from edge_agent.contract.mqtt import BrokerSettings, MqttClient
from edge_agent.contract.signing import sign
from edge_agent.contract.topics import incident_topic
from tests.collector.transport.helpers import KEY_B1, KEY_B2, SITE, count, incident, wait_until

TOPIC_B1 = incident_topic(SITE, "b1", "c1")
LIMITS = Limits(keys={f"{SITE}/b1": KEY_B1, f"{SITE}/b2": KEY_B2})


def signed(i: int = 0, key: bytes = KEY_B1, box: str = "b1", **changes) -> dict:
    payload = incident(i, box=box).to_payload() | changes
    return sign(payload, key, f"{SITE}/{box}")


def _dump(obj) -> bytes:
    return json.dumps(obj).encode()


def _forged() -> dict:
    p = signed()
    p["metrics"] = {"count": 1}
    return p


def _under_other_box() -> dict:
    p = signed()  # b1's payload and signature, edited to claim box b2
    p["box"] = "b2"
    return p


def _unsigned() -> dict:
    p = signed()
    del p["signature"]
    return p


# (topic, raw bytes, expected dead-letter reason)
BAD = [
    (TOPIC_B1, b"{not json", "invalid_json"),
    (TOPIC_B1, b"\xff\xfe\x00", "invalid_json"),
    (TOPIC_B1, json.dumps(signed()).encode("utf-16"), "invalid_json"),
    (TOPIC_B1, b"[1, 2]", "schema"),
    (TOPIC_B1, _dump({k: v for k, v in signed().items() if k != "zone"}), "schema"),
    (TOPIC_B1, _dump(signed(extra_field=1)), "schema"),  # unknown field at minor 0
    (TOPIC_B1, _dump(signed(schema_version="2.0")), "unknown_major"),
    (TOPIC_B1, _dump(signed(metrics={"count": 1, "reason": "x" * 70_000})), "oversized"),
    (incident_topic(SITE, "b1", "c2"), _dump(signed()), "wrong_topic"),
    (incident_topic(SITE, "b2", "c1"), _dump(signed()), "wrong_topic"),  # replayed under b2
    (incident_topic(SITE, "b2", "c1"), _dump(_under_other_box()), "signature"),
    (TOPIC_B1, _dump(_forged()), "signature"),
    (TOPIC_B1, _dump(_unsigned()), "signature"),
    (TOPIC_B1, _dump(signed(key=KEY_B2)), "signature"),  # signed with another box's key
    (
        f"gridwatch/v1/{SITE}/b1/c1/evidence/01J0000000000000000000000A/x.jpg",
        b"\xff\xd8",
        "evidence_orphan",
    ),
]


@pytest.mark.parametrize(
    ("topic", "raw", "reason"), BAD, ids=[b[2] + str(i) for i, b in enumerate(BAD)]
)
def test_each_bad_message_is_dead_lettered_with_its_reason(tmp_path, topic, raw, reason):
    db = open_store(tmp_path / "c.sqlite")
    good = _dump(signed())
    result = store_batch(db, [(topic, raw), (TOPIC_B1, good)], LIMITS, "t", raw_cap=100)
    assert (result.dead, result.new) == (1, 1)
    row = db.execute("SELECT reason, size, length(raw) FROM dead_letters").fetchone()
    assert row == (reason, len(raw), min(len(raw), 100))


def test_newer_minor_with_unknown_fields_is_accepted(tmp_path):
    db = open_store(tmp_path / "c.sqlite")
    p = signed(schema_version="1.4", new_optional={"a": 1})
    p["metrics"]["new_metric"] = 3
    p = sign(p, KEY_B1, f"{SITE}/b1")
    result = store_batch(db, [(TOPIC_B1, _dump(p))], LIMITS, "t")
    assert (result.new, result.dead) == (1, 0)
    stored = json.loads(db.execute("SELECT payload FROM ingest_incidents").fetchone()[0])
    assert stored["new_optional"] == {"a": 1}  # kept as received


def _mutations() -> st.SearchStrategy[bytes]:
    base = signed()
    keys = sorted(base)
    junk = st.one_of(st.none(), st.integers(), st.text(max_size=20), st.lists(st.integers()))
    replaced = st.tuples(st.sampled_from(keys), junk).map(lambda kv: _dump(base | {kv[0]: kv[1]}))
    dropped = st.sampled_from(keys).map(lambda k: _dump({x: v for x, v in base.items() if x != k}))
    return st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        replaced,
        dropped,
        st.recursive(junk, lambda c: st.dictionaries(st.text(max_size=8), c, max_size=4)).map(
            _dump
        ),
    ).filter(lambda raw: raw != _dump(base))  # replacing a value by itself is no mutation


def test_hypothesis_malformed_payloads_never_crash_and_are_dead_lettered(tmp_path):
    db = open_store(tmp_path / "fuzz.sqlite")

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(raw=_mutations())
    def check(raw: bytes) -> None:
        good = _dump(signed())
        result = store_batch(db, [(TOPIC_B1, raw), (TOPIC_B1, good)], LIMITS, "t")
        assert (result.dead, result.new) == (1, 1)

    check()


@pytest.mark.integration
def test_bad_messages_through_mosquitto_are_dead_lettered_good_ones_stored(
    mosquitto, make_collector
):
    collector = make_collector(mosquitto.url)
    client = MqttClient(BrokerSettings(url=mosquitto.url, client_id="mixed", clean=True))
    client.start()
    wait_until(lambda: client.connected, 10, "sender connected")
    goods = [signed(i) for i in range(20)]
    sent = []
    for i, (topic, raw, _) in enumerate(BAD):
        sent.append(client.publish(topic, raw))
        sent.append(client.publish(TOPIC_B1, _dump(goods[i])))
    for good in goods[len(BAD) :]:
        sent.append(client.publish(TOPIC_B1, _dump(good)))
    wait_until(lambda: all(d.done() for d in sent), 10, "publishes acknowledged")
    wait_until(lambda: collector.stats.received >= len(sent), 20, "all processed")
    client.stop()
    db = collector.cfg.db
    assert count(db, "ingest_incidents") == len(goods)
    reasons = Counter(r for (_, _, r) in BAD)
    stored = open_store(db)
    got = Counter(dict(stored.execute("SELECT reason, COUNT(*) FROM dead_letters GROUP BY 1")))
    assert got == reasons


def _service_with_poison(tmp_path, monkeypatch, error: Exception):
    import collector.transport.service as service_mod
    from tests.collector.transport.helpers import collector_config

    real = service_mod.store_batch
    poison = _dump(signed(1))

    def buggy(db, messages, *args):
        if any(raw == poison for _, raw in messages):
            raise error
        return real(db, messages, *args)

    monkeypatch.setattr(service_mod, "store_batch", buggy)
    svc = service_mod.IngestService(collector_config(tmp_path, "mqtt://127.0.0.1:1"))
    svc.db = open_store(svc.cfg.db)
    return svc, [(TOPIC_B1, _dump(signed(0))), (TOPIC_B1, poison), (TOPIC_B1, _dump(signed(2)))]


@pytest.mark.parametrize(
    "error", [KeyError("a bug in the ingest"), sqlite3.IntegrityError("NOT NULL constraint")]
)
def test_a_message_that_trips_a_bug_is_dead_lettered_and_the_rest_stored(
    tmp_path, monkeypatch, error
):
    svc, messages = _service_with_poison(tmp_path, monkeypatch, error)
    result = svc._store(messages, "t")
    assert (result.new, result.dead, result.dead_reasons) == (2, 1, ["internal"])
    svc.db.close()


def test_an_operational_store_error_is_raised_for_a_retry(tmp_path, monkeypatch):
    svc, messages = _service_with_poison(
        tmp_path, monkeypatch, sqlite3.OperationalError("database is locked")
    )
    with pytest.raises(sqlite3.OperationalError):
        svc._store(messages, "t")
    assert count(svc.cfg.db, "ingest_incidents") + count(svc.cfg.db, "dead_letters") == 0
    svc.db.close()
