"""The escalation scheduler: reminder at yellow, supervision at red, discipline records."""

from __future__ import annotations

from datetime import timedelta

import pytest

from collector.tickets import (
    Action,
    ActionArgs,
    Mode,
    NewTicket,
    Role,
    apply_action,
    get_ticket,
    receive,
    sla,
    ticket_history,
)
from collector.tickets.checks import ticket_problems
from collector.tickets.escalation import escalate, list_notices
from tests.collector.builders import CHIEF, UNIT, center_db, example_center, local

T0 = local(2015, 4, 28, 9, 0)  # Tuesday
CENTER = example_center()[0]


@pytest.fixture()
def db():
    return center_db()


def dispatched(db, category: str = "9102", unit: str = "fire-safety") -> int:
    """A ticket dispatched at T0; 9102 has an 8 working-hour limit."""
    t = receive(
        db,
        NewTicket(category, "330421101001001", "fire lane blocked", T0),
        "wang.duty",
        Role.DUTY_CHIEF,
    )
    apply_action(db, t.id, Action.REGISTER, ActionArgs(at=T0, **CHIEF), CENTER)
    apply_action(
        db,
        t.id,
        Action.DISPATCH,
        ActionArgs(at=T0, mode=Mode.ASSIGN, units=(unit,), **CHIEF),
        CENTER,
    )
    return t.id


@pytest.mark.parametrize(
    ("when", "used"),
    [
        (local(2015, 4, 28, 14, 0), 3.5 / 8),  # Tue: 3 h morning + 0.5 h afternoon
        (local(2015, 4, 28, 19, 0), 7 / 8),  # the evening does not count
        (local(2015, 4, 28, 16, 30), 6 / 8),
    ],
)
def test_used_fraction(db, when, used) -> None:
    tid = dispatched(db)
    assert sla(get_ticket(db, tid), when, CENTER).used_fraction == pytest.approx(used)


def test_nothing_while_green(db) -> None:
    dispatched(db)
    assert escalate(db, local(2015, 4, 28, 16, 30), CENTER) == []


def test_yellow_red_and_discipline(db) -> None:
    tid = dispatched(db)
    t = get_ticket(db, tid)
    assert t.due_at == local(2015, 4, 29, 9, 30)  # 7 h on Tuesday + 1 h from 08:30 Wednesday
    assert sla(t, local(2015, 4, 28, 16, 30), CENTER).light == "green"  # 6 h of 8 = 75%
    yellow = local(2015, 4, 28, 17, 0)  # 6.5 h = 81%
    assert sla(t, yellow, CENTER).light == "yellow"
    assert [(n.kind, n.recipient) for n in escalate(db, yellow, CENTER)] == [
        ("reminder", "fire-safety")
    ]
    assert escalate(db, yellow + timedelta(minutes=10), CENTER) == []  # once per dispatch
    red = local(2015, 4, 29, 10, 0)
    assert [(n.kind, n.recipient) for n in escalate(db, red, CENTER)] == [
        ("supervision", "xitang-center")
    ]
    assert get_ticket(db, tid).supervised
    last = ticket_history(db, tid)[-1]  # the supervision is in the ticket's history (and feed)
    assert (last.action, last.actor, last.at) == ("supervise", "scheduler", red)
    assert ticket_problems(get_ticket(db, tid), ticket_history(db, tid), CENTER) == []
    late = t.due_at + timedelta(hours=8, minutes=1)
    notices = escalate(db, late, CENTER)
    assert [(n.kind, n.recipient, n.unit) for n in notices] == [
        ("discipline", "discipline-office", "fire-safety")
    ]
    assert len(list_notices(db, tid)) == 3


def test_return_without_reason_is_reported_once(db) -> None:
    tid = dispatched(db)
    apply_action(db, tid, Action.RETURN, ActionArgs(at=T0 + timedelta(minutes=5), **UNIT), CENTER)
    other = dispatched(db)
    apply_action(
        db,
        other,
        Action.RETURN,
        ActionArgs(at=T0 + timedelta(minutes=5), note="not a fire lane", **UNIT),
        CENTER,
    )
    now = T0 + timedelta(minutes=10)
    notices = escalate(db, now, CENTER)
    assert [(n.ticket_id, n.kind, n.unit) for n in notices] == [(tid, "discipline", "fire-safety")]
    assert escalate(db, now, CENTER) == []


def test_suspended_ticket_does_not_turn_red(db) -> None:
    tid = dispatched(db)
    apply_action(db, tid, Action.ACCEPT, ActionArgs(at=T0, **UNIT), CENTER)
    apply_action(
        db,
        tid,
        Action.SUSPEND,
        ActionArgs(at=T0 + timedelta(hours=1), note="court", **CHIEF),
        CENTER,
    )
    assert escalate(db, local(2015, 5, 20, 9, 0), CENTER) == []
    assert sla(get_ticket(db, tid), local(2015, 5, 20, 9, 0), CENTER).light == "green"
