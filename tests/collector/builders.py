"""Real objects for the ticket tests: the example center (configs/grid), fresh stores, incidents."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from collector.config.models import CenterConfig, Role
from collector.grid import import_center, read_center
from collector.store import open_store
from edge_agent.contract.incident import EventState, Incident, IncidentKind, Level, new_id

REPO = Path(__file__).resolve().parents[2]
GRID = REPO / "configs" / "grid" / "cells.geojson"
TZ = timezone(timedelta(hours=8))
CHIEF = {"actor": "wang.duty", "role": Role.DUTY_CHIEF}
UNIT = {"actor": "chen.squad", "role": Role.UNIT_HANDLER}
INSPECTOR = {"actor": "sun.inspect", "role": Role.INSPECTOR}


@functools.cache
def example_center() -> tuple[CenterConfig, Any]:
    center, _, geojson = read_center(GRID)
    return center, geojson


def center_db(path: str = ":memory:") -> sqlite_utils.Database:
    """A store with the example center imported."""
    db = open_store(path)
    center, geojson = example_center()
    import_center(db, center, geojson, str(GRID))
    return db


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def incident(
    at: datetime,
    *,
    level: str = "warning",
    kind: str = "crowd_density",
    camera: str = "bridge-01",
    zone: str = "bridge-deck",
    incident_id: str | None = None,
    seq: int = 0,
    state: str = "opened",
    cell: str = "330421101001002",
) -> dict[str, Any]:
    """A contract-valid incident payload (schema incident-1)."""
    return Incident(
        id=incident_id or new_id(),
        seq=seq,
        site="xitang",
        box="box-01",
        camera=camera,
        zone=zone,
        grid_cell=cell,
        kind=IncidentKind(kind),
        level=Level(level),
        state=EventState(state),
        started_at=at - timedelta(minutes=seq),
        observed_at=at,
        metrics={"count": 40 + seq},
    ).to_payload()
