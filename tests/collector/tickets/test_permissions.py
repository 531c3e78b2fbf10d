"""The permission table: consistent with the workflow table, checked by the service for every
path, scoped to the actor's unit."""

from __future__ import annotations

import pytest

from collector.config.models import Mode, Role
from collector.errors import NotPermitted
from collector.tickets import Action, ActionArgs, NewTicket, apply_action, receive
from collector.tickets.permissions import RIGHTS, WORKFLOW, Right, can_see, has_right
from collector.tickets.workflow import TABLE
from tests.collector.builders import CHIEF, center_db, example_center, local


def test_the_permission_table_names_the_roles_the_workflow_table_lets_act():
    for (state, action), transition in TABLE.items():
        assert transition.roles == WORKFLOW[action], (state, action)


@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMIN])
def test_leaders_and_administrators_take_no_workflow_step(role):
    assert not any(role in roles for roles in WORKFLOW.values())


def test_rights_by_role():
    assert has_right(Role.LEADER, Right.VIEW_STATS) and not has_right(Role.LEADER, Right.RECEIVE)
    assert not has_right(Role.UNIT_HANDLER, Right.VIEW_ALL_UNITS)
    assert RIGHTS[Right.ADMINISTER] == {Role.ADMIN}


def _dispatched(db, units: tuple[str, ...], cell: str = "330421101002002"):
    center, _ = example_center()
    t = receive(
        db, NewTicket("9101", cell, "stall", local(2015, 4, 28, 9)), "wang.duty", Role.DUTY_CHIEF
    )
    apply_action(
        db, t.id, Action.REGISTER, ActionArgs(at=local(2015, 4, 28, 9, 1), **CHIEF), center
    )
    mode = Mode.ASSIGN if len(units) == 1 else Mode.SUPERVISE
    args = ActionArgs(at=local(2015, 4, 28, 9, 2), mode=mode, units=units, **CHIEF)
    return apply_action(db, t.id, Action.DISPATCH, args, center), center


def test_a_unit_acts_only_on_its_own_tickets_and_sees_only_them():
    db = center_db()
    t, center = _dispatched(db, ("market-supervision",))
    at = local(2015, 4, 28, 9, 3)
    other = ActionArgs(actor="chen.squad", role=Role.UNIT_HANDLER, at=at, unit="xitang-squad")
    with pytest.raises(NotPermitted, match="unit xitang-squad is not responsible"):
        apply_action(db, t.id, Action.ACCEPT, other, center)
    assert not can_see(Role.UNIT_HANDLER, "xitang-squad", t)
    assert can_see(Role.UNIT_HANDLER, "market-supervision", t) and can_see(Role.LEADER, None, t)
    leader = ActionArgs(
        actor="ye.leader", role=Role.LEADER, at=at, mode=Mode.ASSIGN, units=("fire-safety",)
    )
    with pytest.raises(
        NotPermitted,
        match="ye.leader may not redispatch: it is done by dispatcher, duty_chief, not leader",
    ):
        apply_action(db, t.id, Action.REDISPATCH, leader, center)


def test_an_inspector_of_a_linkage_station_verifies_only_its_cells():
    db = center_db()
    t, center = _dispatched(db, ("market-supervision",))  # cell 002002: Nanzha station
    unit = {"actor": "lu.market", "role": Role.UNIT_HANDLER, "unit": "market-supervision"}
    apply_action(db, t.id, Action.ACCEPT, ActionArgs(at=local(2015, 4, 28, 9, 3), **unit), center)
    args = ActionArgs(at=local(2015, 4, 28, 9, 4), note="stall removed", **unit)
    apply_action(db, t.id, Action.REPORT, args, center)
    at = local(2015, 4, 28, 9, 5)
    beizha = ActionArgs(actor="gu.beizha", role=Role.INSPECTOR, at=at, unit="station-beizha")
    with pytest.raises(NotPermitted, match="belongs to station-nanzha, not to station-beizha"):
        apply_action(db, t.id, Action.VERIFY_PASS, beizha, center)
    nanzha = ActionArgs(actor="shen.nanzha", role=Role.INSPECTOR, at=at, unit="station-nanzha")
    assert apply_action(db, t.id, Action.VERIFY_PASS, nanzha, center).state.value == "verified"
