"""Shared subscriptions: evidence that comes before its incident is held, then stored or expired."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import numpy as np
import pytest
import sqlite_utils

from collector.ingest.store import ORPHAN_GRACE, store_batch
from collector.ingest.validate import Limits
from collector.store import open_store
from edge_agent.contract.incident import EventState, Evidence, Incident, IncidentKind, Level, new_id
from edge_agent.contract.topics import evidence_topic, incident_topic
from edge_agent.incidents.evidence import encode_capped
from tests.collector.builders import local

T0 = local(2026, 9, 30, 20, 0)
HOLD = Limits(require_signatures=False, hold_orphans=True)


def _messages(sent_hash: str | None = None) -> tuple[tuple[str, bytes], tuple[str, bytes]]:
    """(incident, its evidence image) as MQTT (topic, bytes); ``sent_hash`` overrides the hash."""
    image = encode_capped(np.full((48, 64, 3), 90, np.uint8), 20_000)
    iid = new_id()
    name = f"{iid}-0-annotated.jpg"
    digest = sent_hash or hashlib.sha256(image).hexdigest()
    incident = Incident(
        id=iid,
        seq=0,
        site="xitang",
        box="box-01",
        camera="bridge-01",
        zone="bridge-deck",
        grid_cell="330421101001002",
        kind=IncidentKind.CROWD_DENSITY,
        level=Level.WARNING,
        state=EventState.OPENED,
        started_at=T0,
        observed_at=T0,
        metrics={"count": 50},
        evidence=(Evidence("annotated", name, digest, len(image)),),
    )
    payload = json.dumps(incident.to_payload()).encode()
    return (
        (incident_topic("xitang", "box-01", "bridge-01"), payload),
        (evidence_topic("xitang", "box-01", "bridge-01", incident.event_id, name), image),
    )


def _at(offset: timedelta = timedelta()) -> str:
    return (T0 + offset).isoformat(timespec="milliseconds")


def _rows(db: sqlite_utils.Database, table: str) -> int:
    return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


@pytest.mark.parametrize(
    ("sent_hash", "stored", "dead"),
    [(None, 1, []), ("0" * 64, 0, ["evidence_hash"])],
    ids=["matching", "wrong_hash"],
)
def test_held_evidence_is_checked_when_its_incident_comes(
    tmp_path, sent_hash: str | None, stored: int, dead: list[str]
) -> None:
    db = open_store(tmp_path / "c.sqlite")
    incident, image = _messages(sent_hash)
    early = store_batch(db, [image], HOLD, _at())
    assert (early.dead, _rows(db, "evidence_pending")) == (0, 1)
    late = store_batch(db, [incident], HOLD, _at(timedelta(seconds=1)))
    assert (late.new, late.dead_reasons) == (1, dead)
    assert (_rows(db, "evidence_files"), _rows(db, "evidence_pending")) == (stored, 0)


def test_held_evidence_without_incident_expires_as_an_orphan(tmp_path) -> None:
    db = open_store(tmp_path / "c.sqlite")
    _, image = _messages()
    store_batch(db, [image], HOLD, _at())
    assert store_batch(db, [], HOLD, _at(ORPHAN_GRACE - timedelta(seconds=1))).dead == 0
    expired = store_batch(db, [], HOLD, _at(ORPHAN_GRACE + timedelta(seconds=1)))
    assert expired.dead_reasons == ["evidence_orphan"]
    assert (_rows(db, "evidence_pending"), _rows(db, "dead_letters")) == (0, 1)


def test_without_hold_an_orphan_is_a_dead_letter_at_once(tmp_path) -> None:
    db = open_store(tmp_path / "c.sqlite")
    _, image = _messages()
    result = store_batch(db, [image], Limits(require_signatures=False), _at())
    assert result.dead_reasons == ["evidence_orphan"] and _rows(db, "evidence_pending") == 0


def test_evidence_is_found_by_name_through_an_index(tmp_path) -> None:
    from collector.api.queries import stored_evidence

    db = open_store(tmp_path / "c.sqlite")
    incident, image = _messages()
    store_batch(db, [incident, image], HOLD, _at())
    name = image[0].rsplit("/", 1)[1]
    assert stored_evidence(db, name) == ("image/jpeg", image[1])
    plan = db.execute(
        "EXPLAIN QUERY PLAN SELECT content_type, data FROM evidence_files WHERE name = ?", [name]
    ).fetchall()
    assert any("USING INDEX evidence_files_name" in row[-1] for row in plan), plan
