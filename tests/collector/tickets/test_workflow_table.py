"""The transition table: structure checks, refused actions, guards, roles, one-transaction writes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from collector.config.models import Mode, Role
from collector.errors import GuardFailed, IllegalAction, TicketNotFound
from collector.store import open_store
from collector.tickets import (
    Action,
    ActionArgs,
    NewTicket,
    State,
    apply_action,
    get_ticket,
    receive,
)
from collector.tickets.checks import ticket_problems
from collector.tickets.repo import ticket_history
from collector.tickets.workflow import TABLE, Transition, allowed_actions, check_table
from tests.collector.builders import CHIEF, INSPECTOR, UNIT, center_db, example_center, local

T0 = local(2015, 4, 28, 9, 0)


@pytest.fixture()
def db():
    return center_db()


def new_ticket(db, category: str = "0101"):
    return receive(
        db, NewTicket(category, "330421101002005", "shed", T0), "wang.duty", Role.DUTY_CHIEF
    )


def act(db, tid: int, action: Action, minutes: int, who=CHIEF, **kw):
    return apply_action(
        db,
        tid,
        action,
        ActionArgs(at=T0 + timedelta(minutes=minutes), **who, **kw),
        example_center()[0],
    )


def test_table_is_sound() -> None:
    assert check_table(TABLE) == []


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda t: t.pop((State.VERIFIED, Action.CLOSE)), "state closed is unreachable"),
        (lambda t: t.pop((State.SUSPENDED, Action.RESUME)), "state suspended is a dead end"),
        (
            lambda t: t.update(
                {(State.CLOSED, Action.VOID): Transition(State.VOID, frozenset({Role.SYSTEM}))}
            ),
            "final state closed has a way out",
        ),
        (
            lambda t: t.update(
                {
                    (State.SUSPENDED, Action.RESUME): Transition(
                        State.SUSPENDED, frozenset({Role.SYSTEM})
                    )
                }
            ),
            "state suspended cannot reach a final state",
        ),
    ],
)
def test_broken_tables_are_caught(edit, problem: str) -> None:
    table = dict(TABLE)
    edit(table)
    assert problem in check_table(table)


def test_happy_path_writes_state_and_audit_together(db) -> None:
    t = new_ticket(db)
    steps = [
        (Action.REGISTER, CHIEF, {}),
        (Action.DISPATCH, CHIEF, {"mode": Mode.ASSIGN, "units": ("xitang-squad",)}),
        (Action.ACCEPT, UNIT, {}),
        (Action.REPORT, UNIT, {"note": "demolished", "photo": "after.jpg"}),
        (Action.VERIFY_PASS, INSPECTOR, {}),
        (Action.CLOSE, CHIEF, {}),
    ]
    for i, (action, who, kw) in enumerate(steps, start=1):
        t = act(db, t.id, action, i * 10, who, **kw)
    assert t.state is State.CLOSED
    history = ticket_history(db, t.id)
    assert [r.action for r in history] == ["receive"] + [a.value for a, _, _ in steps]
    assert [r.role for r in history][-2:] == ["inspector", "duty_chief"]
    assert ticket_problems(t, history, example_center()[0]) == []
    assert t.result_photo == "after.jpg"


def test_illegal_action_names_state_and_allowed(db) -> None:
    t = new_ticket(db)
    with pytest.raises(IllegalAction) as err:
        act(db, t.id, Action.CLOSE, 1)
    assert err.value.state == "received"
    assert err.value.allowed == ["register", "void", "mark_duplicate"]
    assert "cannot 'close' in state 'received'; allowed: register, void, mark_duplicate" in str(
        err.value
    )
    assert get_ticket(db, t.id).state is State.RECEIVED
    assert len(ticket_history(db, t.id)) == 1


@pytest.mark.parametrize(
    ("action", "who", "kw", "reason"),
    [
        (Action.DISPATCH, CHIEF, {"mode": Mode.ASSIGN, "units": ()}, "exactly one unit"),
        (Action.DISPATCH, CHIEF, {"mode": Mode.ASSIGN, "units": ("a", "b")}, "exactly one unit"),
        (
            Action.DISPATCH,
            CHIEF,
            {"mode": Mode.SUPERVISE, "units": ("xitang-squad",)},
            "two or more",
        ),
        (Action.DISPATCH, CHIEF, {"mode": Mode.ASSIGN, "units": ("nobody",)}, "unknown unit"),
        (Action.DISPATCH, CHIEF, {"units": ("xitang-squad",)}, "needs a mode"),
        (
            Action.DISPATCH,
            UNIT,
            {"mode": Mode.ASSIGN, "units": ("xitang-squad",)},
            "not unit_handler",
        ),
        (Action.VOID, CHIEF, {}, "a note is required"),
        (Action.MARK_DUPLICATE, CHIEF, {}, "name the ticket"),
    ],
)
def test_guards_refuse_and_change_nothing(db, action, who, kw, reason) -> None:
    t = new_ticket(db)
    t = act(db, t.id, Action.REGISTER, 1)
    with pytest.raises(GuardFailed, match=reason):
        act(db, t.id, action, 2, who, **kw)
    assert get_ticket(db, t.id) == t
    assert len(ticket_history(db, t.id)) == 2


def test_time_cannot_go_backwards(db) -> None:
    t = new_ticket(db)
    act(db, t.id, Action.REGISTER, 10)
    with pytest.raises(GuardFailed, match="before its last step"):
        act(db, t.id, Action.VOID, 5, note="x")


def test_duplicate_must_exist(db) -> None:
    t = new_ticket(db)
    with pytest.raises(TicketNotFound):
        act(db, t.id, Action.MARK_DUPLICATE, 1, duplicate_of=999)
    other = new_ticket(db)
    t = act(db, t.id, Action.MARK_DUPLICATE, 2, duplicate_of=other.id)
    assert (t.state, t.duplicate_of) == (State.DUPLICATE, other.id)


def test_direct_mode_goes_to_the_center(db) -> None:
    t = act(db, new_ticket(db, "9003").id, Action.REGISTER, 1)
    t = act(db, t.id, Action.DISPATCH, 2, mode=Mode.DIRECT)
    assert t.units == ("xitang-center",) and t.mode == "direct"


def test_return_without_reason_is_counted(db) -> None:
    t = act(db, new_ticket(db).id, Action.REGISTER, 1)
    t = act(db, t.id, Action.DISPATCH, 2, mode=Mode.ASSIGN, units=("xitang-squad",))
    t = act(db, t.id, Action.RETURN, 3, UNIT)
    assert (t.state, t.returns, t.returns_no_reason, t.units) == (State.RETURNED, 1, 0 + 1, ())
    t = act(db, t.id, Action.DISPATCH, 4, mode=Mode.ASSIGN, units=("station-nanzha",))
    t = act(db, t.id, Action.RETURN, 5, UNIT, note="not our cell")
    assert (t.returns, t.returns_no_reason) == (2, 1)
    assert ticket_history(db, t.id)[-1].data == {"unit": "station-nanzha", "with_reason": True}


def test_suspension_pauses_the_clock_and_moves_the_due_time(db) -> None:
    t = act(db, new_ticket(db).id, Action.REGISTER, 1)
    t = act(db, t.id, Action.DISPATCH, 2, mode=Mode.ASSIGN, units=("xitang-squad",))
    t = act(db, t.id, Action.ACCEPT, 3, UNIT)
    due = t.due_at
    t = act(db, t.id, Action.SUSPEND, 60, note="owner in court")
    # suspended Tue 28 Apr 10:00 for a day of working time: resumed Wed 29 Apr 10:00
    t = act(db, t.id, Action.RESUME, 25 * 60)
    assert t.paused_s == pytest.approx(7.5 * 3600)
    center = example_center()[0]
    assert t.due_at == center.calendar.calendar().add(due, 7.5 * 3600)


def test_extension_adds_working_hours(db) -> None:
    t = act(db, new_ticket(db).id, Action.REGISTER, 1)
    t = act(db, t.id, Action.DISPATCH, 2, mode=Mode.ASSIGN, units=("xitang-squad",))
    t = act(db, t.id, Action.ACCEPT, 3, UNIT)
    due = t.due_at
    t = act(db, t.id, Action.REQUEST_EXTENSION, 4, UNIT, hours=4)
    assert t.state is State.EXTENSION_REQUESTED
    t = act(db, t.id, Action.APPROVE_EXTENSION, 5)
    assert (t.state, t.extensions) == (State.ACCEPTED, 1)
    assert t.due_at == example_center()[0].calendar.calendar().add(due, 4 * 3600)
    t = act(db, t.id, Action.REQUEST_EXTENSION, 6, UNIT, hours=4)
    t = act(db, t.id, Action.REJECT_EXTENSION, 7)
    assert (t.extensions, t.due_at) == (
        1,
        example_center()[0].calendar.calendar().add(due, 4 * 3600),
    )


def test_failed_verification_is_rework(db) -> None:
    t = act(db, new_ticket(db).id, Action.REGISTER, 1)
    t = act(db, t.id, Action.DISPATCH, 2, mode=Mode.ASSIGN, units=("xitang-squad",))
    t = act(db, t.id, Action.ACCEPT, 3, UNIT)
    t = act(db, t.id, Action.REPORT, 4, UNIT, note="done")
    t = act(db, t.id, Action.VERIFY_FAIL, 5, INSPECTOR, note="still standing", falsified=True)
    assert (t.state, t.reworks, t.falsified, t.reported_at) == (State.ACCEPTED, 1, 1, None)
    with pytest.raises(GuardFailed, match="falsified"):
        act(
            db,
            act(db, t.id, Action.REPORT, 6, UNIT, note="now done").id,
            Action.VERIFY_PASS,
            7,
            INSPECTOR,
            falsified=True,
        )


def test_audit_is_append_only(db) -> None:
    t = new_ticket(db)
    with pytest.raises(Exception, match="append-only"):
        db.execute("UPDATE ticket_audit SET actor = 'someone else' WHERE ticket_id = ?", [t.id])
    with pytest.raises(Exception, match="append-only"):
        db.execute("DELETE FROM ticket_audit WHERE ticket_id = ?", [t.id])


@pytest.mark.parametrize("state", list(State))
def test_allowed_actions_match_table(state: State) -> None:
    assert set(allowed_actions(state)) == {a for (s, a) in TABLE if s is state}


@pytest.mark.parametrize("hours", [0.0, -3.0, float("nan"), float("inf"), 1e12])
def test_extension_hours_out_of_range_are_refused(db, hours: float) -> None:
    t = act(db, new_ticket(db).id, Action.REGISTER, 1)
    t = act(db, t.id, Action.DISPATCH, 2, mode=Mode.ASSIGN, units=("xitang-squad",))
    t = act(db, t.id, Action.ACCEPT, 3, UNIT)
    with pytest.raises(GuardFailed, match="extension hours"):
        act(db, t.id, Action.REQUEST_EXTENSION, 4, UNIT, hours=hours)
    assert get_ticket(db, t.id).state is State.ACCEPTED


def test_extensions_past_the_calendar_are_refused_not_crashing(db) -> None:
    t = act(db, new_ticket(db).id, Action.REGISTER, 1)
    t = act(db, t.id, Action.DISPATCH, 2, mode=Mode.ASSIGN, units=("xitang-squad",))
    t = act(db, t.id, Action.ACCEPT, 3, UNIT)
    minute = 4
    with pytest.raises(GuardFailed, match="cannot extend"):
        for _ in range(30):  # 30 x 2000 working hours is beyond the calendar's horizon
            act(db, t.id, Action.REQUEST_EXTENSION, minute, UNIT, hours=2000)
            act(db, t.id, Action.APPROVE_EXTENSION, minute + 1)
            minute += 2
    assert get_ticket(db, t.id).state is State.EXTENSION_REQUESTED


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (lambda db, tid: act(db, tid, Action.REGISTER, 1).state, State.REGISTERED),
        (lambda db, tid: new_ticket(db).state, State.RECEIVED),
    ],
    ids=["apply_action", "receive"],
)
def test_a_step_waits_for_another_writer_instead_of_failing(tmp_path, step, expected) -> None:
    """A read-then-write transaction in WAL fails at once ("database is locked") while another
    connection writes; a workflow step must wait for it instead."""
    path = str(tmp_path / "c.sqlite")
    db = center_db(path)
    tid = new_ticket(db).id
    other = open_store(path)
    other.execute("BEGIN IMMEDIATE")  # e.g. the ingest filing a round of incidents
    other.execute("UPDATE tickets SET title = 'renamed' WHERE id = ?", [tid])
    done: list[object] = []

    def chief() -> None:
        mine = open_store(path)
        try:
            done.append(step(mine, tid))
        except Exception as err:  # the failure under test, reported to the main thread
            done.append(err)
        finally:
            mine.close()

    thread = threading.Thread(target=chief)
    thread.start()
    thread.join(0.5)  # the step started and waits for the lock
    other.execute("COMMIT")
    thread.join(10)
    other.close()
    assert done == [expected]
