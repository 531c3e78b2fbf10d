"""The box's receipt bookkeeping: backoff, strict parsing, outbox refs and the disk cap."""

from __future__ import annotations

import json
import sqlite3

import pytest

from edge_agent.contract.errors import ContractError
from edge_agent.publish.outbox import Outbox
from edge_agent.publish.receipts import ReceiptTracker, parse_receipt

EID = "01J0000000000000000000000A"


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_resend_waits_double_each_time_up_to_the_cap():
    clock = Clock()
    t = ReceiptTracker(timeout_s=1.0, max_backoff_s=4.0, clock=clock)
    waits = []
    for _ in range(5):
        t.acked(7, EID)  # a PUBACK for this send
        start = clock.t
        while not t.due(10):
            clock.t += 0.25
        waits.append(clock.t - start)
    assert waits == [1.0, 2.0, 4.0, 4.0, 4.0]


def test_a_reconnect_pulls_a_grown_backoff_back_to_the_timeout():
    clock = Clock()
    t = ReceiptTracker(timeout_s=1.0, max_backoff_s=100.0, clock=clock)
    for _ in range(6):  # resent five times: the next wait would be 32 s
        t.acked(7, EID)
        clock.t += 100
        t.due(10)
    t.acked(7, EID)
    clock.t += 5
    assert t.due(10) == []
    t.reconnected()  # maybe a broker that lost everything
    clock.t += 1.0
    assert t.due(10) == [(7, EID)]


def test_due_is_oldest_first_and_bounded_and_receipts_clear():
    clock = Clock()
    t = ReceiptTracker(timeout_s=1.0, max_backoff_s=1.0, clock=clock)
    for seq in (5, 3, 9):
        t.acked(seq, f"ref{seq}")
    t.receipted(["ref9"])
    clock.t = 2.0
    assert t.due(1) == [(3, "ref3")]
    assert t.due(10) == [(5, "ref5")]
    assert t.waiting == 0 and t.due(10) == []


def _receipt(**changes) -> bytes:
    body = {
        "schema_version": "1.0",
        "site": "xitang",
        "box": "b1",
        "at": "2015-05-01T10:00:00.000+00:00",
        "stored": [EID, f"{EID}/a.jpg"],
        "refused": [{"ref": "01J0000000000000000000000B", "reason": "signature"}],
    } | changes
    return json.dumps(body).encode()


def test_parse_receipt_reads_stored_and_refused():
    r = parse_receipt(_receipt(), "xitang", "b1")
    assert r.refs == [EID, f"{EID}/a.jpg", "01J0000000000000000000000B"]
    assert r.refused == (("01J0000000000000000000000B", "signature"),)


@pytest.mark.parametrize(
    "raw",
    [
        _receipt(box="b2"),  # another box's
        _receipt(at="2015-02-30T10:00:00Z"),  # no such day
        _receipt(stored=["../../x"]),
        _receipt().replace(b'"stored"', b'"n": NaN, "stored"'),
        b"\xff",
    ],
    ids=["other-box", "impossible-date", "bad-ref", "nan", "not-utf8"],
)
def test_parse_receipt_refuses_what_is_not_a_receipt_for_this_box(raw):
    with pytest.raises(ContractError):
        parse_receipt(raw, "xitang", "b1")


def test_remove_refs_frees_the_bytes_and_leaves_the_rest(tmp_path):
    box = Outbox(tmp_path / "o.sqlite", max_bytes=1_000)
    box.put("t/i", b"x" * 100, ref=EID)
    box.put("t/e", b"y" * 50, kind="evidence", ref=f"{EID}/a.jpg")
    box.put("t/ack", b"z" * 10, kind="ack")
    assert box.remove_refs([EID, f"{EID}/a.jpg", "unknown"]) == 2
    assert [(e.topic, e.ref) for e in box.peek(10)] == [("t/ack", None)]
    assert box.stats().bytes == 10
    assert [e.seq for e in box.get([1, 3, 99])] == [3]


def test_awaiting_entries_still_count_towards_the_disk_cap(tmp_path):
    box = Outbox(tmp_path / "o.sqlite", max_bytes=1_000)
    for i in range(30):  # all "sent, awaiting receipt": still on disk, still under the cap
        box.put("t/i", b"x" * 100, ref=f"ref{i}")
    st = box.stats()
    assert st.bytes <= 1_000 and st.depth == 10 and st.dropped == {"incident": 20}


def test_an_outbox_from_before_receipts_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL,"
        " payload BLOB NOT NULL, kind TEXT NOT NULL, retain INTEGER NOT NULL DEFAULT 0,"
        " created_at REAL NOT NULL);"
        "INSERT INTO outbox(topic, payload, kind, created_at) VALUES ('t/old', x'00', 'incident', 1);"
    )
    db.commit()
    db.close()
    box = Outbox(path, max_bytes=1_000)
    assert [(e.topic, e.ref) for e in box.peek(10)] == [("t/old", None)]  # leaves on PUBACK
    box.put("t/new", b"x", ref=EID)
    assert box.remove_refs([EID]) == 1
