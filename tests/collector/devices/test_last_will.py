"""A real ``edge-agent run`` SIGKILLed: Mosquitto publishes its last will, the collector stores the
``offline`` status, and its scheduler opens a device-fault ticket within the configured time."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from collector.grid import import_center
from collector.scheduler import Scheduler, SchedulerConfig
from collector.store import open_store
from collector.transport.config import CollectorConfig
from collector.transport.service import IngestService
from tests.collector.builders import GRID, example_center

pytestmark = pytest.mark.integration
SITE, BOX = "xitang", "box-07"
OFFLINE_AFTER_S = 3.0  # policy.devices.box_offline_after_min for this test
WAIT_S = 60.0


def agent_config(tmp_path: Path, broker_url: str, camera_url: str) -> Path:
    raw = {
        "box": {"site_id": SITE, "box_id": BOX},
        "mqtt": {
            "url": broker_url,
            "keepalive_s": 5,
            "outbox": {"path": str(tmp_path / "outbox.sqlite")},
        },
        "evidence": {"dir": str(tmp_path / "evidence")},
        "baseline_dir": str(tmp_path / "baselines"),
        "cameras": [
            {
                "id": "room",
                "url": camera_url,
                "decode": "keyframes",
                "zones": [
                    {
                        "id": "floor",
                        "kind": "square",
                        "grid_cell": "330421101001001",
                        "polygon": [[0, 0], [768, 0], [768, 432], [0, 432]],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "box.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def collector_store(tmp_path: Path) -> Path:
    center, geojson = example_center()
    devices = center.policy.devices.model_copy(
        update={"box_offline_after_min": OFFLINE_AFTER_S / 60}
    )
    center = center.model_copy(
        update={"policy": center.policy.model_copy(update={"devices": devices})}
    )
    path = tmp_path / "collector.sqlite"
    db = open_store(path)
    import_center(db, center, geojson, str(GRID))
    db.close()
    return path


def box_state(path: Path) -> tuple[str | None, str | None]:
    db = open_store(path)
    try:
        row = db.execute(
            "SELECT state, status_at FROM box_status WHERE site=? AND box=?", [SITE, BOX]
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)
    finally:
        db.close()


def device_tickets(path: Path) -> list[tuple]:
    db = open_store(path)
    try:
        return db.execute(
            "SELECT t.id, t.category, t.state, t.received_at, f.kind, f.since FROM tickets t"
            " JOIN device_faults f ON f.ticket_id = t.id WHERE t.box = ?",
            [BOX],
        ).fetchall()
    finally:
        db.close()


def wait_until(predicate, what: str, detail=lambda: "") -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {WAIT_S} s: {what}\n{detail()}")


def test_sigkilled_agent_becomes_a_device_fault_ticket(
    tmp_path: Path, mosquitto, rtsp_server, shared_data
) -> None:
    store = collector_store(tmp_path)
    cfg = CollectorConfig.model_validate(
        {
            "broker": {"url": mosquitto.url, "client_id": "collector-will"},
            "db": str(store),
            "require_signatures": False,
        }
    )
    service = IngestService(cfg)
    scheduler = Scheduler(str(store), SchedulerConfig(every_s=0.2))
    service.start()
    scheduler.start()
    server = rtsp_server(shared_data / "video/one-by-one-person.mp4")
    exe = str(Path(sys.executable).with_name("edge-agent"))
    log = tmp_path / "agent.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [exe, "run", "--config", str(agent_config(tmp_path, mosquitto.url, server.url))],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_until(lambda: box_state(store)[0] == "online", "the box online", log.read_text)
        assert device_tickets(store) == []
        proc.kill()  # SIGKILL: no clean 'stopped', the broker sends the will
        proc.wait(timeout=10)
        killed = time.time()
        wait_until(lambda: box_state(store)[0] == "offline", "the last will stored")
        wait_until(lambda: device_tickets(store), "a device-fault ticket")
        opened = time.time()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        scheduler.stop()
        service.stop()
    ((_, category, state, received_at, kind, since),) = device_tickets(store)
    assert (category, state, kind) == ("9003", "dispatched", "box_offline")
    held = (datetime.fromisoformat(received_at) - datetime.fromisoformat(since)).total_seconds()
    assert (
        OFFLINE_AFTER_S <= held < OFFLINE_AFTER_S + 2
    )  # the configured time, one round late at most
    assert opened - killed < OFFLINE_AFTER_S + 10
