"""The duty chief may set a dispatch's deadline (hours on the category's clock) instead of the
category's time limit; the due time follows the calendar."""

from __future__ import annotations

import pytest

from collector.config.models import Mode, Role
from collector.errors import GuardFailed
from collector.tickets import Action, ActionArgs, NewTicket, apply_action, get_ticket, receive
from collector.tickets.checks import ticket_problems
from collector.tickets.repo import ticket_history
from tests.collector.builders import CHIEF, center_db, example_center, local


def _registered(db, category: str):
    center, _ = example_center()
    new = NewTicket(category, "330421101002005", "case", local(2015, 4, 30, 9))
    t = receive(db, new, "wang.duty", Role.DUTY_CHIEF)
    apply_action(db, t.id, Action.REGISTER, ActionArgs(at=local(2015, 4, 30, 9), **CHIEF), center)
    return t.id, center


@pytest.mark.parametrize(
    ("category", "hours", "due"),
    [
        ("0101", 4.0, local(2015, 4, 30, 14, 30)),  # working clock: lunch 12:00-13:30 skipped
        ("0101", 8.0, local(2015, 5, 4, 9, 30)),  # 7 h on 30 Apr; May Day and the weekend skipped
        ("9001", 1.5, local(2015, 4, 30, 10, 30)),  # crowds: the continuous clock
    ],
)
def test_a_chosen_deadline_runs_on_the_categorys_clock(category, hours, due):
    db = center_db()
    tid, center = _registered(db, category)
    args = ActionArgs(
        at=local(2015, 4, 30, 9), mode=Mode.ASSIGN, units=("xitang-squad",), hours=hours, **CHIEF
    )
    t = apply_action(db, tid, Action.DISPATCH, args, center)
    assert t.due_at == due
    assert ticket_problems(get_ticket(db, tid), ticket_history(db, tid), center) == []


def test_a_deadline_out_of_range_is_refused():
    db = center_db()
    tid, center = _registered(db, "0101")
    args = ActionArgs(
        at=local(2015, 4, 30, 9), mode=Mode.ASSIGN, units=("xitang-squad",), hours=0.0, **CHIEF
    )
    with pytest.raises(GuardFailed, match="a deadline must be > 0"):
        apply_action(db, tid, Action.DISPATCH, args, center)
