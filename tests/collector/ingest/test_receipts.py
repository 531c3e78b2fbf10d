"""What the collector receipts to each box after a commit: stored, duplicates, refusals, conflicts."""

from __future__ import annotations

import json

from collector.ingest.receipts import MAX_REFS, Ref, receipt_messages
from collector.ingest.store import store_batch
from collector.ingest.validate import Limits
from collector.store import open_store
from edge_agent.contract import validate_message
from edge_agent.contract.signing import sign
from edge_agent.contract.topics import evidence_topic, incident_topic
from tests.collector.transport.helpers import KEY_B1, KEY_B2, SITE, incident

LIMITS = Limits(keys={f"{SITE}/b1": KEY_B1, f"{SITE}/b2": KEY_B2})
TOPIC = incident_topic(SITE, "b1", "c1")


def _raw(payload: dict) -> bytes:
    return json.dumps(payload).encode()


def _signed(i: int = 0, key: bytes = KEY_B1, **changes) -> dict:
    return sign(incident(i).to_payload() | changes, key, f"{SITE}/b1")


def test_new_and_duplicate_incidents_are_receipted_each_time(tmp_path):
    db = open_store(tmp_path / "c.sqlite")
    p = _signed()
    first = store_batch(db, [(TOPIC, _raw(p))], LIMITS, "t")
    again = store_batch(db, [(TOPIC, _raw(p))], LIMITS, "t")  # a resend: receipted again
    assert first.receipts == again.receipts == [Ref(SITE, "b1", p["event_id"])]
    assert (first.new, again.duplicates) == (1, 1)


def test_a_conflicting_duplicate_is_a_dead_letter_beside_the_first(tmp_path):
    db = open_store(tmp_path / "c.sqlite")
    p = _signed()
    other = sign(p | {"metrics": {"count": 99}}, KEY_B1, f"{SITE}/b1")  # same id, signed anew
    store_batch(db, [(TOPIC, _raw(p))], LIMITS, "t")
    result = store_batch(db, [(TOPIC, _raw(other))], LIMITS, "t")
    assert result.receipts == [Ref(SITE, "b1", p["event_id"], "conflict")]
    assert result.dead_reasons == ["conflict"] and result.duplicates == 0
    stored = db.execute("SELECT payload FROM ingest_incidents").fetchall()
    assert [json.loads(r[0])["metrics"] for r in stored] == [p["metrics"]]  # the first stays
    dead = db.execute("SELECT reason, raw FROM dead_letters").fetchall()
    assert [(r[0], json.loads(r[1])["metrics"]) for r in dead] == [("conflict", {"count": 99})]
    # the same bytes again with other key order are a plain duplicate, not a conflict
    reordered = json.dumps(dict(reversed(list(p.items())))).encode()
    assert store_batch(db, [(TOPIC, reordered)], LIMITS, "t").duplicates == 1


def test_refused_messages_are_receipted_with_their_reason(tmp_path):
    db = open_store(tmp_path / "c.sqlite")
    bad_key = _signed(key=KEY_B2)
    nan = _raw(_signed(1)).replace(b'"density": 2.5', b'"density": NaN')
    result = store_batch(db, [(TOPIC, _raw(bad_key)), (TOPIC, nan)], LIMITS, "t")
    assert [(r.ref, r.refused) for r in result.receipts] == [
        (bad_key["event_id"], "signature"),
        (json.loads(nan.replace(b"NaN", b"0"))["event_id"], "schema"),
    ]


def test_evidence_before_its_incident_gets_no_receipt_so_the_box_sends_it_again(tmp_path):
    db = open_store(tmp_path / "c.sqlite")
    topic = evidence_topic(SITE, "b1", "c1", "01J0000000000000000000000A", "a.jpg")
    result = store_batch(db, [(topic, b"\xff\xd8")], LIMITS, "t")
    assert result.dead_reasons == ["evidence_orphan"] and result.receipts == []
    held = store_batch(db, [(topic, b"\xff\xd8")], Limits(hold_orphans=True), "2015-05-01T10:00:00")
    assert held.receipts == [Ref(SITE, "b1", "01J0000000000000000000000A/a.jpg")]


def test_receipt_messages_go_to_each_box_in_valid_chunks():
    refs = [Ref(SITE, "b1", f"01J{i:023d}") for i in range(MAX_REFS * 2 + 1)]
    refs += [Ref(SITE, "b2", "01J0000000000000000000000B", "signature")]
    messages = receipt_messages(refs, "2015-05-01T10:00:00.000+00:00")
    assert [t for t, _ in messages] == [f"gridwatch/v1/{SITE}/b1/receipt"] * 3 + [
        f"gridwatch/v1/{SITE}/b2/receipt"
    ]
    bodies = [json.loads(raw) for _, raw in messages]
    for body in bodies:
        validate_message("receipt", body)
    assert sum(len(b["stored"]) for b in bodies) == MAX_REFS * 2 + 1
    assert bodies[-1]["refused"] == [{"ref": "01J0000000000000000000000B", "reason": "signature"}]
