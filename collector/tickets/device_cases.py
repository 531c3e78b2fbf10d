"""Device-fault tickets: the ticket side of :mod:`collector.devices` (the only room that touches the
ticket tables is this one). A fault opens a ticket of ``policy.devices.category`` in the cell of
the device's registered camera, or joins the open ticket of the same device; a recovery is noted
on the ticket (``cleared_at``) but closes nothing: a person closes it after the repair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from collector.config.models import CenterConfig, Role
from collector.errors import IntakeError
from collector.tickets.model import to_db_time
from collector.tickets.repo import NewTicket, get_ticket, receive, write_audit
from collector.tickets.routing import route
from collector.tickets.service import apply_action
from collector.tickets.workflow import FINAL, Action, ActionArgs
from edge_agent.contract.incident import Level

__all__ = ["DEVICE_ACTOR", "DeviceCase", "file_device_case", "note_recovered", "is_open"]

DEVICE_ACTOR = "device-health"


@dataclass(frozen=True)
class DeviceCase:
    """One device fault as a ticket sees it: which box (and camera), a title and why."""

    site: str
    box: str
    camera: str | None
    title: str
    detail: str

    def __post_init__(self) -> None:
        if not (self.site and self.box and self.title):
            raise ValueError(f"a device case needs site, box and title: {self!r}")

    @property
    def device(self) -> str:
        base = f"{self.site}/{self.box}"
        return f"{base}/{self.camera}" if self.camera else base


def _cell(center: CenterConfig, case: DeviceCase) -> str:
    cams = [c for c in center.cameras if c.site == case.site and c.box == case.box]
    cams = [c for c in cams if c.id == case.camera] or cams
    if cams:
        return cams[0].zones[0].cell
    fallback = center.policy.devices.fallback_cell or min(center.cells, default=None)
    if fallback is None:
        raise IntakeError(f"{case.device}: no cell for its ticket (registry, cells, fallback)")
    return fallback


def _category(center: CenterConfig) -> str:
    code = center.policy.devices.category
    if code is None:
        raise IntakeError("policy.devices.category is not set: device faults open no ticket")
    return code


def _open_ticket(db: sqlite_utils.Database, case: DeviceCase, category: str) -> int | None:
    finals = [s.value for s in FINAL]
    marks = ", ".join("?" for _ in finals)
    same_camera = "camera = ?" if case.camera else "camera IS NULL"
    params = [case.site, case.box, *([case.camera] if case.camera else []), category]
    row = db.execute(
        f"SELECT id FROM tickets WHERE site = ? AND box = ? AND {same_camera} AND category = ? "
        f"AND state NOT IN ({marks}) ORDER BY id DESC LIMIT 1",
        [*params, *finals],
    ).fetchone()
    return int(row[0]) if row else None


def _new_ticket(
    db: sqlite_utils.Database, case: DeviceCase, center: CenterConfig, now: datetime
) -> int:
    code = _category(center)
    new = NewTicket(
        category=code,
        grid_cell=_cell(center, case),
        title=case.title,
        at=now,
        source="device",
        priority=Level.WARNING.rank,
        level=Level.WARNING,
        site=case.site,
        box=case.box,
        camera=case.camera,
    )
    t = receive(db, new, DEVICE_ACTOR, Role.SYSTEM)
    if center.policy.devices.dispatch:
        r = route(center, t.grid_cell, code)
        note = f"device fault: {case.detail}"
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


def file_device_case(
    db: sqlite_utils.Database, case: DeviceCase, center: CenterConfig, now: datetime
) -> tuple[int, str]:
    """Join the device's open ticket or open one; ``(ticket id, "joined" | "opened")``."""
    found = _open_ticket(db, case, _category(center))
    if found is not None:
        _note(db, found, "device_fault", f"{case.title}: {case.detail}", now)
        return found, "joined"
    return _new_ticket(db, case, center, now), "opened"


def is_open(db: sqlite_utils.Database, ticket_id: int) -> bool:
    return get_ticket(db, ticket_id).state not in FINAL


def note_recovered(db: sqlite_utils.Database, ticket_id: int, note: str, now: datetime) -> None:
    """The device works again: a history row, and ``cleared_at`` on the ticket."""
    _note(db, ticket_id, "device_recovered", note, now)
