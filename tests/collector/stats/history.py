"""A generated case history, run through the real workflow functions (no rows written by hand)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlite_utils

from collector.config.models import CenterConfig, Mode, Role
from collector.tickets import Action, ActionArgs, NewTicket, State, apply_action, receive
from tests.collector.builders import CHIEF, INSPECTOR, UNIT, local

OPEN_STATES = [
    State.RECEIVED,
    State.REGISTERED,
    State.DISPATCHED,
    State.ACCEPTED,
    State.EXTENSION_REQUESTED,
    State.REPORTED,
    State.VERIFIED,
]


@dataclass
class Case:
    """One case being walked through the workflow, with its own clock."""

    db: sqlite_utils.Database
    center: CenterConfig
    rng: random.Random
    id: int
    at: datetime
    log: list[str] = field(default_factory=list)

    def do(self, action: Action, who: dict, **kw: object) -> State:
        self.at += timedelta(minutes=self.rng.randint(5, 600))
        t = apply_action(self.db, self.id, action, ActionArgs(at=self.at, **who, **kw), self.center)
        self.log.append(action.value)
        return t.state


def _dispatch(case: Case, category: str) -> None:
    cat = case.center.category(category)
    if case.rng.random() < 0.1:
        units = case.rng.sample(sorted(case.center.unit_ids() - {"xitang-center"}), 2)
        case.do(Action.DISPATCH, CHIEF, mode=Mode.SUPERVISE, units=tuple(units))
    elif cat.default_mode is Mode.DIRECT:
        case.do(Action.DISPATCH, CHIEF, mode=Mode.DIRECT)
    else:
        case.do(Action.DISPATCH, CHIEF, mode=Mode.ASSIGN, units=(cat.default_units[0],))


def _walk(case: Case, category: str, stop: State | None) -> None:
    """Move the case forward until ``stop`` (None: until closed)."""
    r = case.rng
    steps = [
        (State.RECEIVED, lambda: case.do(Action.REGISTER, CHIEF)),
        (State.REGISTERED, lambda: _dispatch(case, category)),
        (State.DISPATCHED, lambda: case.do(Action.ACCEPT, UNIT)),
    ]
    for state, step in steps:
        if stop is state:
            return
        step()
        if state is State.REGISTERED and r.random() < 0.05:  # returned, then dispatched again
            case.do(Action.RETURN, UNIT, note=r.choice(["", "not our duty"]))
            _dispatch(case, category)
    if r.random() < 0.05:
        case.do(Action.SUSPEND, CHIEF, note="awaiting the owner")
        case.do(Action.RESUME, CHIEF)
    if r.random() < 0.05 or stop is State.EXTENSION_REQUESTED:
        case.do(Action.REQUEST_EXTENSION, UNIT, hours=r.choice([4.0, 8.0]))
        if stop is State.EXTENSION_REQUESTED:
            return
        case.do(Action.APPROVE_EXTENSION, CHIEF)
    if stop is State.ACCEPTED:
        return
    case.do(Action.REPORT, UNIT, note="handled", photo="result.jpg")
    if r.random() < 0.04:
        case.do(Action.VERIFY_FAIL, INSPECTOR, note="not done", falsified=r.random() < 0.2)
        case.do(Action.REPORT, UNIT, note="handled again")
    if stop is State.REPORTED:
        return
    case.do(Action.VERIFY_PASS, INSPECTOR)
    if stop is State.VERIFIED:
        return
    case.do(Action.CLOSE, CHIEF)


def _neither(case: Case, category: str, outcome: str) -> None:
    r = case.rng
    if outcome == "void":
        if r.random() < 0.5:
            case.do(Action.REGISTER, CHIEF)
        case.do(Action.VOID, CHIEF, note="not an enforcement matter")
    elif outcome == "suspended":
        _walk(case, category, State.ACCEPTED)
        case.do(Action.SUSPEND, CHIEF, note="awaiting a court ruling")
    elif outcome == "returned":
        _walk(case, category, State.DISPATCHED)
        case.do(Action.RETURN, UNIT, note=r.choice(["", "outside our powers"]))
    else:
        raise ValueError(outcome)


def generate(
    db: sqlite_utils.Database, center: CenterConfig, outcomes: dict[str, int], seed: int = 2015
) -> dict[int, str]:
    """Create ``sum(outcomes)`` cases over 2015 and walk each to its outcome: ``closed``,
    ``in_progress`` (stopped in a random open state), ``void``, ``suspended`` or ``returned``.
    Returns ticket id -> outcome."""
    rng = random.Random(seed)
    plan = [o for o, n in outcomes.items() for _ in range(n)]
    rng.shuffle(plan)
    cells = sorted(center.cells)
    categories = [c.code for c in center.categories]
    start = local(2015, 1, 5, 8, 0)
    result = {}
    for i, outcome in enumerate(plan):
        at = start + timedelta(minutes=i * 250 + rng.randint(0, 200))
        category = rng.choice(categories)
        new = NewTicket(
            category,
            rng.choice(cells),
            f"case {i}",
            at,
            source=rng.choice(["patrol", "citizen", "camera"]),
            urgent=rng.random() < 0.1,
        )
        t = receive(db, new, "wang.duty", Role.DUTY_CHIEF)
        case = Case(db, center, rng, t.id, at)
        if outcome == "closed":
            _walk(case, category, None)
        elif outcome == "in_progress":
            _walk(case, category, rng.choice(OPEN_STATES))
        else:
            _neither(case, category, outcome)
        result[t.id] = outcome
    return result
