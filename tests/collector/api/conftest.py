"""Fixtures of the API tests: a store with the example center and tickets filed through the
tickets library, API keys, evidence on disk, and the app served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest
import uvicorn
from fastapi import FastAPI

from collector.api.app import PREFIX, ApiSettings, create_app
from collector.api.keys import create_key
from collector.ingest.filing import default_filer, file_pending
from collector.ingest.store import store_batch
from collector.ingest.validate import Limits
from edge_agent.contract.incident import EventState, Evidence, Incident, IncidentKind, Level, new_id
from edge_agent.contract.topics import evidence_topic, incident_topic
from edge_agent.incidents.evidence import encode_capped
from tests.collector.builders import center_db, example_center, local
from tests.collector.report.quarter import generate_quarter

N_TICKETS = 60


@dataclass(frozen=True)
class ApiWorld:
    db_path: Path
    evidence_dir: Path
    read_key: str
    write_key: str
    camera_ticket: int
    evidence_name: str


def _camera_incident(db_path: Path) -> tuple[int, str]:
    """A crowd incident and its evidence JPEG, received by the ingest as MQTT messages (topic,
    bytes) and filed as a ticket by it, as on the live path."""
    image = encode_capped(np.full((48, 64, 3), 90, np.uint8), 20_000)
    iid = new_id()
    name = f"{iid}-0-annotated.jpg"
    evidence = Evidence("annotated", name, hashlib.sha256(image).hexdigest(), len(image))
    at = local(2026, 9, 30, 20, 0)
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
        started_at=at,
        observed_at=at,
        metrics={"count": 50},
        evidence=(evidence,),
    )
    messages = [
        (
            incident_topic("xitang", "box-01", "bridge-01"),
            json.dumps(incident.to_payload()).encode(),
        ),
        (evidence_topic("xitang", "box-01", "bridge-01", incident.event_id, name), image),
    ]
    db = center_db(str(db_path))
    stored = store_batch(db, messages, Limits(require_signatures=False), at.isoformat())
    assert not stored.dead_reasons, stored.dead_reasons
    assert file_pending(db, default_filer()) == 1
    ticket = db.execute(
        "SELECT ticket_id FROM ticket_events WHERE event_id = ?", [incident.event_id]
    ).fetchone()[0]
    db.close()
    return ticket, name


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> ApiWorld:
    root = tmp_path_factory.mktemp("api")
    db_path, evidence_dir = root / "collector.sqlite", root / "evidence"
    db = center_db(str(db_path))
    generate_quarter(db, example_center()[0], N_TICKETS, seed=11)
    read = create_key(db, "read", "dashboard", "2026-10-01T00:00:00+00:00").secret
    write = create_key(db, "write", "patrol app", "2026-10-01T00:00:00+00:00", "wang.duty").secret
    db.close()
    ticket, name = _camera_incident(db_path)
    evidence_dir.mkdir()
    (evidence_dir / "patrol-photo.jpg").write_bytes(
        encode_capped(np.zeros((32, 32, 3), np.uint8), 9000)
    )
    return ApiWorld(db_path, evidence_dir, read, write, ticket, name)


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port; yield the API root URL."""
    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30  # generous: CI runs the whole suite on 2 busy cores
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}{PREFIX}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


@pytest.fixture(scope="module")
def app(world: ApiWorld) -> FastAPI:
    return create_app(ApiSettings(str(world.db_path), str(world.evidence_dir)))


@pytest.fixture(scope="module")
def api(app: FastAPI) -> Iterator[httpx.Client]:
    """An HTTP client on the served API (base URL = the API root)."""
    with served(app) as root, httpx.Client(base_url=root, timeout=10) as client:
        yield client
