"""A generated quarter of tickets, every step through the tickets library's workflow.

Deterministic (seeded); every step happens before the quarter ends, so the stored state is the
state at the period's end. Paths: void, duplicate, returned (with or without a reason, then
re-dispatched or left), suspended (and resumed), extension, rework (and falsified), late results,
tickets still in progress at the end.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from collector.config.models import CenterConfig, Mode, Role
from collector.tickets import Action, ActionArgs, NewTicket, apply_action, receive
from collector.tickets.model import Ticket
from tests.collector.builders import CHIEF, INSPECTOR, UNIT, local

START = local(2026, 7, 1)
END = local(2026, 10, 1)
PERIOD = "2026-Q3"
HOT_CELLS = ("330421101001002", "330421101002005")


class _Past(Exception):
    """The next step would fall after the quarter: the ticket stays where it is."""


@dataclass
class _Walk:
    db: sqlite_utils.Database
    center: CenterConfig
    rng: random.Random
    ticket: Ticket
    end: datetime

    def step(self, action: Action, minutes: float, who: dict, **kw: object) -> None:
        at = self.ticket.updated_at + timedelta(minutes=minutes)
        if at >= self.end:
            raise _Past
        args = ActionArgs(at=at, **who, **kw)  # type: ignore[arg-type]
        self.ticket = apply_action(self.db, self.ticket.id, action, args, self.center)

    def until_due(self, share: float) -> float:
        """Minutes from now to ``share`` of the way to the due time (or past it if > 1)."""
        assert self.ticket.due_at and self.ticket.dispatched_at
        span = (self.ticket.due_at - self.ticket.dispatched_at).total_seconds() / 60
        return max(1.0, span * share)


def _units(center: CenterConfig, cat: str, cell: str) -> tuple[str, ...]:
    info = center.cells.get(cell)
    return tuple((info.units.get(cat) if info else None) or center.category(cat).default_units)


def _dispatch(w: _Walk, cat: str) -> None:
    units = _units(w.center, cat, w.ticket.grid_cell)
    if w.rng.random() < 0.1:
        units = (*units[:1], "police-xitang" if units[0] != "police-xitang" else "xitang-squad")
        w.step(Action.DISPATCH, 20, CHIEF, mode=Mode.SUPERVISE, units=units)
    else:
        w.step(Action.DISPATCH, w.rng.uniform(5, 90), CHIEF, mode=Mode.ASSIGN, units=units[:1])


def _handle(w: _Walk, cat: str) -> None:
    r = w.rng.random
    if r() < 0.08:
        w.step(
            Action.RETURN, 30, UNIT, unit=w.ticket.units[0], note="" if r() < 0.5 else "not ours"
        )
        if r() < 0.3:
            return
        _dispatch(w, cat)
    w.step(Action.ACCEPT, w.rng.uniform(5, 60), UNIT)
    if r() < 0.06:  # stalled: still in progress (and soon overdue) at the quarter's end
        return
    if r() < 0.04:
        w.step(Action.SUSPEND, 60, CHIEF, note="owner abroad, waiting")
        if r() < 0.5:
            return
        w.step(Action.RESUME, w.rng.uniform(600, 4000), CHIEF)
    if r() < 0.05:
        w.step(Action.REQUEST_EXTENSION, 30, UNIT, hours=8.0)
        w.step(Action.APPROVE_EXTENSION, 30, CHIEF)
    late = r() < 0.12
    w.step(
        Action.REPORT,
        w.until_due(w.rng.uniform(1.1, 2.5) if late else w.rng.uniform(0.2, 0.8)),
        UNIT,
        note="done",
    )
    if r() < 0.08:
        w.step(Action.VERIFY_FAIL, 60, INSPECTOR, note="not fixed", falsified=r() < 0.2)
        w.step(Action.REPORT, w.rng.uniform(30, 300), UNIT, note="fixed now")
    w.step(Action.VERIFY_PASS, w.rng.uniform(30, 240), INSPECTOR)
    w.step(Action.CLOSE, w.rng.uniform(10, 120), CHIEF)


def _one(
    db: sqlite_utils.Database,
    center: CenterConfig,
    rng: random.Random,
    at: datetime,
    first_ids: list[int],
) -> int:
    cells = list(center.cells)
    cell = rng.choice(HOT_CELLS) if rng.random() < 0.35 else rng.choice(cells)
    cat = rng.choices(["0101", "9001", "9003", "9101", "9102"], [3, 4, 1, 2, 2])[0]
    new = NewTicket(
        cat,
        cell,
        f"{center.category(cat).name} at {cell[-3:]}",
        at,
        source=rng.choice(["camera", "patrol", "citizen"]),
        urgent=rng.random() < 0.1,
    )
    w = _Walk(db, center, rng, receive(db, new, "system", Role.SYSTEM), END)
    try:
        roll = rng.random()
        if roll < 0.03:
            w.step(Action.VOID, 10, CHIEF, note="not a violation")
        elif roll < 0.05 and first_ids:
            w.step(Action.MARK_DUPLICATE, 10, CHIEF, duplicate_of=rng.choice(first_ids))
        else:
            w.step(Action.REGISTER, rng.uniform(1, 30), CHIEF)
            _dispatch(w, cat)
            _handle(w, cat)
    except _Past:
        pass
    return w.ticket.id


def generate_quarter(
    db: sqlite_utils.Database,
    center: CenterConfig,
    n: int,
    seed: int = 7,
    start: datetime = START,
    end: datetime = END,
) -> list[int]:
    """File ``n`` tickets received between ``start`` and ``end``; returns their ids."""
    rng = random.Random(seed)
    span = (end - start).total_seconds()
    times = sorted(start + timedelta(seconds=rng.uniform(0, span * 0.97)) for _ in range(n))
    ids: list[int] = []
    for at in times:
        ids.append(_one(db, center, rng, at, ids[:50]))
    return ids
