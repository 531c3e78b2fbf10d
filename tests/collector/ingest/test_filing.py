"""Filing stored incidents as tickets: one round, refusals kept, store errors retried."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
import sqlite_utils

from collector.errors import IntakeError
from collector.ingest.filing import default_filer, file_pending
from collector.ingest.store import store_batch
from collector.ingest.validate import Limits
from edge_agent.contract.topics import incident_topic
from tests.collector.builders import center_db, incident, local

T0 = local(2015, 5, 1, 10, 0)


def _stored(db: sqlite_utils.Database, n: int) -> list[str]:
    payloads = [incident(T0, camera="bridge-01", zone="bridge-deck") for _ in range(n)]
    topic = incident_topic("xitang", "box-01", "bridge-01")
    messages = [(topic, json.dumps(p).encode()) for p in payloads]
    result = store_batch(db, messages, Limits(require_signatures=False), T0.isoformat())
    assert result.new == n, result.dead_reasons
    return [p["event_id"] for p in payloads]


def _state(db: sqlite_utils.Database, event_id: str) -> tuple[int, str | None, int]:
    filed, error = db.execute(
        "SELECT filed, file_error FROM ingest_incidents WHERE event_id = ?", [event_id]
    ).fetchone()
    events = db.execute("SELECT COUNT(*) FROM ticket_events WHERE event_id = ?", [event_id])
    return filed, error, events.fetchone()[0]


@pytest.mark.parametrize(
    ("error", "kept"),
    [
        (IntakeError("refused by the rules"), "IntakeError: refused by the rules"),
        (KeyError("a bug"), "KeyError: 'a bug'"),
    ],
)
def test_a_refused_event_keeps_its_error_and_the_others_are_filed(
    tmp_path, error: Exception, kept: str
) -> None:
    db = center_db(str(tmp_path / "c.sqlite"))
    first, second = _stored(db, 2)
    real = default_filer()

    def filer(db: sqlite_utils.Database, payload: dict[str, Any]) -> Any:
        real(db, payload)  # its ticket change must be rolled back with the refusal
        if payload["event_id"] == first:
            raise error

    assert file_pending(db, filer) == 2
    assert _state(db, first) == (0, kept, 0)
    assert _state(db, second) == (1, None, 1)
    assert file_pending(db, filer) == 0  # a refused event is not retried


def test_a_store_error_while_filing_is_retried_on_the_next_round(tmp_path) -> None:
    db = center_db(str(tmp_path / "c.sqlite"))
    first, second = _stored(db, 2)
    real, calls = default_filer(), []

    def locked_once(db: sqlite_utils.Database, payload: dict[str, Any]) -> Any:
        calls.append(payload["event_id"])
        real(db, payload)
        if len(calls) == 2:
            raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        file_pending(db, locked_once)
    assert [_state(db, e) for e in (first, second)] == [(0, None, 0), (0, None, 0)]
    assert file_pending(db, locked_once) == 2
    assert [_state(db, e) for e in (first, second)] == [(1, None, 1), (1, None, 1)]
