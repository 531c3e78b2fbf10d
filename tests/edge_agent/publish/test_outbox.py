"""The durable outbox: order, restart, cap (evidence dropped first), counted drops, metrics."""

from __future__ import annotations

import pytest

from edge_agent.errors import OutboxError
from edge_agent.publish.outbox import Outbox


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_fifo_survives_a_restart(tmp_path):
    box = Outbox(tmp_path / "o.sqlite", max_bytes=1_000_000)
    seqs = [box.put(f"t/{i}", f"p{i}".encode()) for i in range(5)]
    box.remove(seqs[:2])
    box.close()
    again = Outbox(tmp_path / "o.sqlite", max_bytes=1_000_000)
    assert [e.topic for e in again.peek(10)] == ["t/2", "t/3", "t/4"]
    assert [e.topic for e in again.peek(10, after_seq=seqs[3])] == ["t/4"]
    assert again.stats().bytes == 6
    assert again.put("t/5", b"x") > seqs[-1]  # sequence numbers never go back


# existing entries (kind, size), new (kind, size) -> kinds left in order, drops, accepted
CAP = [
    (
        [("incident", 40), ("evidence", 40)],
        ("incident", 40),
        ["incident", "incident"],
        {"evidence": 1},
        True,
    ),
    (
        [("evidence", 40), ("incident", 40)],
        ("evidence", 40),
        ["incident", "evidence"],
        {"evidence": 1},
        True,
    ),
    (
        [("incident", 40), ("incident", 40)],
        ("evidence", 40),
        ["incident", "incident"],
        {"evidence": 1},
        False,
    ),
    (
        [("incident", 40), ("incident", 40)],
        ("incident", 40),
        ["incident", "incident"],
        {"incident": 1},
        True,
    ),
    (
        [("evidence", 30), ("incident", 30), ("evidence", 30)],
        ("incident", 50),
        ["incident", "incident"],
        {"evidence": 2},
        True,
    ),
    ([], ("evidence", 200), [], {"evidence": 1}, False),
]


@pytest.mark.parametrize(("existing", "new", "left", "drops", "accepted"), CAP)
def test_cap_drops_evidence_before_incidents(tmp_path, existing, new, left, drops, accepted):
    box = Outbox(tmp_path / "o.sqlite", max_bytes=100)
    for kind, size in existing:
        box.put("t", b"x" * size, kind=kind)
    if accepted:
        box.put("t", b"y" * new[1], kind=new[0])
    else:
        with pytest.raises(OutboxError, match="does not fit"):
            box.put("t", b"y" * new[1], kind=new[0])
    assert [e.kind for e in box.peek(10)] == left
    stats = box.stats()
    assert stats.dropped == drops
    assert stats.bytes == sum(len(e.payload) for e in box.peek(10)) <= 100


def test_stats_depth_and_oldest_age(tmp_path):
    clock = Clock()
    box = Outbox(tmp_path / "o.sqlite", max_bytes=1000, clock=clock)
    assert box.stats().oldest_age_s is None
    box.put("t", b"a")
    clock.t += 7.5
    box.put("t", b"b", kind="evidence")
    stats = box.stats()
    assert (stats.depth, stats.incidents, stats.oldest_age_s) == (2, 1, 7.5)


def test_unknown_kind_refused(tmp_path):
    box = Outbox(tmp_path / "o.sqlite", max_bytes=1000)
    with pytest.raises(OutboxError, match="unknown outbox kind"):
        box.put("t", b"a", kind="status")
