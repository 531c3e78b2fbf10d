"""Shared builders for the transport tests: incidents, agent configs, collectors, waiting."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils
import yaml

from collector.transport.config import CollectorConfig
from edge_agent.config.load import parse
from edge_agent.config.models import AgentConfig
from edge_agent.contract.incident import EventState, Incident, IncidentKind, Level, new_id

SITE = "xitang"
KEY_B1 = bytes(range(32))
KEY_B2 = bytes(range(1, 33))
T0 = datetime(2015, 5, 1, 10, 0, tzinfo=UTC)


def incident(
    i: int, box: str = "b1", camera: str = "c1", incident_id: str | None = None
) -> Incident:
    return Incident(
        id=incident_id or new_id(),
        seq=i,
        site=SITE,
        box=box,
        camera=camera,
        zone="z1",
        grid_cell="330421101001001",
        kind=IncidentKind.CROWD_DENSITY,
        level=Level.WARNING,
        state=EventState.OPENED if i == 0 else EventState.UPDATED,
        started_at=T0,
        observed_at=T0 + timedelta(seconds=i),
        metrics={"count": 40 + i % 7, "density": 2.5},
        stream_pts=float(i),
    )


AGENT_YAML = """\
# box b1 of the Xitang test site
box:
  site_id: xitang
  box_id: {box}
mqtt:
  url: {url}
  signing_key_file: {box}.key
  keepalive_s: 5
  metrics_interval_s: 1
  outbox:
    path: outbox-{box}.sqlite
    max_mb: 64
cameras:
  - id: c1
    url: clip.mp4
    zones:
      - id: z1   # the bridge
        kind: bridge
        polygon: [[0, 0], [100, 0], [100, 100]]
        grid_cell: "330421101001001"
        thresholds:
          warning_count: 30
"""


def agent_config(tmp: Path, url: str, box: str = "b1", key: bytes = KEY_B1, **mqtt) -> Path:
    """Write a box config (and its key) into ``tmp``; returns the YAML path."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / f"{box}.key").write_text(key.hex())
    data = yaml.safe_load(AGENT_YAML.format(url=url, box=box))
    data["mqtt"].update(mqtt)
    path = tmp / f"agent-{box}.yaml"
    text = AGENT_YAML.format(url=url, box=box) if not mqtt else yaml.safe_dump(data)
    path.write_text(text)
    return path


def load_agent(path: Path) -> AgentConfig:
    return parse(yaml.safe_load(path.read_text()), source=str(path))


def collector_config(tmp: Path, url: str, **extra) -> CollectorConfig:
    tmp.mkdir(parents=True, exist_ok=True)
    keys = tmp / "box-keys.yaml"
    keys.write_text(yaml.safe_dump({f"{SITE}/b1": KEY_B1.hex(), f"{SITE}/b2": KEY_B2.hex()}))
    data = {
        "broker": {"url": url, "client_id": f"collector-{tmp.name}"[:60]},
        "db": str(tmp / "collector.sqlite"),
        "box_keys_file": str(keys),
    } | extra
    return CollectorConfig.model_validate(data)


def wait_until(cond: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def stored_ids(db_path: Path | str) -> list[str]:
    """event_ids in the order they were stored."""
    db = sqlite_utils.Database(db_path)
    try:
        return [r[0] for r in db.execute("SELECT event_id FROM ingest_incidents ORDER BY rowid")]
    finally:
        db.close()


def count(db_path: Path | str, table: str) -> int:
    db = sqlite_utils.Database(db_path)
    try:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        db.close()
