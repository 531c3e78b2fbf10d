"""Device faults become tickets: each fault episode opens a device-fault ticket, or joins the open
one of the same device, exactly once (a unique ``device_faults`` row committed with the ticket
change); a recovery is noted on the ticket (``cleared_at``) but closes nothing: a person closes it
after the repair.

The ticket is of ``policy.devices.category`` (9003 in the example: the unit that maintains the
cameras), in the cell of the box's first registered camera, and with ``policy.devices.dispatch``
registered and dispatched at once to its routed units.
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlite_utils

from collector.config.models import CenterConfig
from collector.devices.health import CAMERA_DOWN, BoxSeen, CameraSeen, Fault
from collector.tickets.device_cases import (
    DEVICE_ACTOR,
    DeviceCase,
    file_device_case,
    is_open,
    note_recovered,
)
from collector.tickets.model import from_db_time, to_db_time

__all__ = ["DEVICE_ACTOR", "read_boxes", "sync_cameras", "file_fault", "recover"]


def read_boxes(db: sqlite_utils.Database) -> list[BoxSeen]:
    rows = db.execute(
        "SELECT site, box, state, status, status_at, metrics_at FROM box_status ORDER BY site, box"
    ).fetchall()
    return [
        BoxSeen(site, box, state, json.loads(status) if status else {}, *map(from_db_time, ts))
        for site, box, state, status, *ts in rows
    ]


def sync_cameras(db: sqlite_utils.Database, b: BoxSeen) -> list[CameraSeen]:
    """Record when each camera went down or up; returns the cameras with that time.

    ``since`` is the arrival of the first status the scheduler saw with the camera down (or up):
    at most one scheduler round late. offline and reconnecting are both down: a camera that keeps
    failing to reconnect is down since its first failure.
    """
    out = []
    for camera, state in b.camera_states().items():
        row = db.execute(
            "SELECT state, since FROM device_cameras WHERE site=? AND box=? AND camera=?",
            [b.site, b.box, camera],
        ).fetchone()
        same = row is not None and (row[0] in CAMERA_DOWN) == (state in CAMERA_DOWN)
        since = from_db_time(row[1]) if same else b.status_at
        assert since is not None
        if row is None or row[0] != state:
            db.execute(
                "INSERT OR REPLACE INTO device_cameras(site, box, camera, state, since)"
                " VALUES (?,?,?,?,?)",
                [b.site, b.box, camera, state, to_db_time(since)],
            )
        out.append(CameraSeen(b.site, b.box, camera, state, since))
    return out


def file_fault(db: sqlite_utils.Database, f: Fault, center: CenterConfig, now: datetime) -> int:
    """Open or join a ticket for this episode (1), or nothing if it was filed already (0).

    Call inside a write transaction: the ``device_faults`` row and the ticket change commit together.
    """
    cur = db.execute(
        "INSERT OR IGNORE INTO device_faults(device, kind, since, site, box, camera, detail,"
        " outcome, filed_at) VALUES (?,?,?,?,?,?,?,?,?)",
        [f.device, f.kind, to_db_time(f.since), f.site, f.box, f.camera, f.detail, "pending"]
        + [to_db_time(now)],
    )
    if not cur.rowcount:
        return 0
    case = DeviceCase(f.site, f.box, f.camera, f.title, f.detail)
    ticket_id, outcome = file_device_case(db, case, center, now)
    db.execute(
        "UPDATE device_faults SET ticket_id = ?, outcome = ? WHERE id = ?",
        [ticket_id, outcome, cur.lastrowid],
    )
    return 1


def recover(db: sqlite_utils.Database, device: str, now: datetime) -> int:
    """The device works again: its open episodes end, their open tickets say so (cleared)."""
    rows = db.execute(
        "SELECT id, ticket_id, kind FROM device_faults WHERE device = ? AND recovered_at IS NULL",
        [device],
    ).fetchall()
    for fault_id, ticket_id, kind in rows:
        db.execute(
            "UPDATE device_faults SET recovered_at = ? WHERE id = ?", [to_db_time(now), fault_id]
        )
        if ticket_id is not None and is_open(db, ticket_id):
            note_recovered(db, ticket_id, f"{device} works again ({kind} over)", now)
    return len(rows)
