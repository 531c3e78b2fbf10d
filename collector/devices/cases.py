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

from collector.config.models import CenterConfig, Role
from collector.devices.health import CAMERA_DOWN, BoxSeen, CameraSeen, Fault
from collector.errors import IntakeError
from collector.tickets.model import from_db_time, to_db_time
from collector.tickets.repo import NewTicket, get_ticket, receive, write_audit
from collector.tickets.routing import route
from collector.tickets.service import apply_action
from collector.tickets.workflow import FINAL, Action, ActionArgs

__all__ = ["DEVICE_ACTOR", "read_boxes", "sync_cameras", "file_fault", "recover"]

DEVICE_ACTOR = "device-health"


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


def _cell(center: CenterConfig, f: Fault) -> str:
    cams = [c for c in center.cameras if c.site == f.site and c.box == f.box]
    cams = [c for c in cams if c.id == f.camera] or cams
    if cams:
        return cams[0].zones[0].cell
    fallback = center.policy.devices.fallback_cell or min(center.cells, default=None)
    if fallback is None:
        raise IntakeError(f"{f.device}: no cell for its ticket (camera registry, cells, fallback)")
    return fallback


def _open_ticket(db: sqlite_utils.Database, f: Fault, center: CenterConfig) -> int | None:
    finals = [s.value for s in FINAL]
    marks = ", ".join("?" for _ in finals)
    same_camera = "camera = ?" if f.camera else "camera IS NULL"
    params = [f.site, f.box, *([f.camera] if f.camera else []), center.policy.devices.category]
    row = db.execute(
        f"SELECT id FROM tickets WHERE site = ? AND box = ? AND {same_camera} AND category = ? "
        f"AND state NOT IN ({marks}) ORDER BY id DESC LIMIT 1",
        [*params, *finals],
    ).fetchone()
    return int(row[0]) if row else None


def _new_ticket(db: sqlite_utils.Database, f: Fault, center: CenterConfig, now: datetime) -> int:
    code = center.policy.devices.category
    new = NewTicket(
        category=code,
        grid_cell=_cell(center, f),
        title=f.title,
        at=now,
        source="device",
        priority=3,
        level="warning",
        site=f.site,
        box=f.box,
        camera=f.camera,
    )
    t = receive(db, new, DEVICE_ACTOR, Role.SYSTEM)
    if center.policy.devices.dispatch:
        r = route(center, t.grid_cell, code)
        note = f"device fault: {f.detail}"
        args = ActionArgs(actor=DEVICE_ACTOR, role=Role.SYSTEM, at=now, note=note)
        apply_action(db, t.id, Action.REGISTER, args, center)
        dispatch = ActionArgs(DEVICE_ACTOR, Role.SYSTEM, now, note, mode=r.mode, units=r.units)
        apply_action(db, t.id, Action.DISPATCH, dispatch, center)
    return t.id


def _note(db: sqlite_utils.Database, ticket_id: int, action: str, note: str, now: datetime) -> None:
    t = get_ticket(db, ticket_id)
    at = max(now, t.updated_at)
    values = {"updated_at": to_db_time(at)}
    values["cleared_at"] = to_db_time(at) if action == "device_recovered" else None
    db.table("tickets").update(ticket_id, values)
    step = (action, t.state.value, t.state.value)
    write_audit(db, ticket_id, step, (DEVICE_ACTOR, Role.SYSTEM.value), at, note)


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
    found = _open_ticket(db, f, center)
    if found is not None:
        _note(db, found, "device_fault", f"{f.title}: {f.detail}", now)
        ticket_id, outcome = found, "joined"
    else:
        ticket_id, outcome = _new_ticket(db, f, center, now), "opened"
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
        if ticket_id is not None and get_ticket(db, ticket_id).state not in FINAL:
            _note(db, ticket_id, "device_recovered", f"{device} works again ({kind} over)", now)
    return len(rows)
