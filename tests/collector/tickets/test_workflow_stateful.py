"""Property test (hypothesis stateful) of the workflow over the real store: no sequence of actions,
legal or not, by any role, leaves an inconsistent ticket."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from collector.config.models import Mode, Role
from collector.errors import GuardFailed, IllegalAction, TicketNotFound
from collector.tickets import (
    TABLE,
    Action,
    ActionArgs,
    NewTicket,
    State,
    allowed_actions,
    apply_action,
    get_ticket,
    receive,
    ticket_history,
)
from collector.tickets.checks import ticket_problems
from collector.tickets.sla import clock_of, sla, used_seconds
from tests.collector.builders import center_db, example_center, local

UNITS = ["xitang-squad", "tourism-office", "police-xitang", "traffic-police", "nobody"]


class TicketMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.db = center_db()
        self.center = example_center()[0]
        self.now = local(2015, 4, 27, 8, 0)
        self.model: dict[int, State] = {}
        self.steps: dict[int, int] = {}

    @precondition(lambda self: len(self.model) < 3)
    @rule(category=st.sampled_from(["0101", "9001", "9003"]), urgent=st.booleans())
    def new_ticket(self, category: str, urgent: bool) -> None:
        new = NewTicket(category, "330421101001001", "case", self.now, urgent=urgent)
        t = receive(self.db, new, "wang.duty", Role.DUTY_CHIEF)
        self.model[t.id] = State.RECEIVED
        self.steps[t.id] = 0

    @rule(minutes=st.integers(0, 3 * 24 * 60))
    def wait(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    def _random_args(self, data: st.DataObject, tid: int, roles: list[Role]) -> ActionArgs:
        return ActionArgs(
            actor="someone",
            role=data.draw(st.sampled_from(roles)),
            at=self.now,
            note=data.draw(st.sampled_from(["", "because"])),
            mode=data.draw(st.sampled_from([None, *Mode])),
            units=tuple(data.draw(st.lists(st.sampled_from(UNITS), max_size=4))),
            unit=data.draw(st.sampled_from([None, *UNITS])),
            hours=data.draw(st.sampled_from([None, 0.0, 2.0, 16.0])),
            duplicate_of=data.draw(st.sampled_from([None, tid, *self.model, 10_000])),
            falsified=data.draw(st.booleans()),
        )

    def _sensible_args(self, data: st.DataObject, tid: int, roles: list[Role]) -> ActionArgs:
        mode = data.draw(st.sampled_from(list(Mode)))
        n = {Mode.DIRECT: 0, Mode.ASSIGN: 1, Mode.SUPERVISE: data.draw(st.integers(2, 4))}[mode]
        others = [t for t in self.model if t != tid] or [tid]
        return ActionArgs(
            actor="someone",
            role=data.draw(st.sampled_from(roles)),
            at=self.now,
            note="because",
            mode=mode,
            units=tuple(UNITS[:n]),
            hours=data.draw(st.sampled_from([2.0, 16.0])),
            duplicate_of=data.draw(st.sampled_from(others)),
            falsified=data.draw(st.booleans()) and data.draw(st.booleans()),
        )

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def act(self, data: st.DataObject) -> None:
        tid = data.draw(st.sampled_from(sorted(self.model)))
        allowed = allowed_actions(self.model[tid])
        pick = data.draw(st.integers(0, 5))
        if allowed and pick >= 3:  # mostly the way forward (first in table order)
            action = allowed[0]
        elif allowed and pick >= 1:
            action = data.draw(st.sampled_from(allowed))
        else:
            action = data.draw(st.sampled_from(list(Action)))
        expected = TABLE.get((self.model[tid], action))
        roles = sorted(expected.roles) if expected and data.draw(st.integers(0, 4)) else list(Role)
        if data.draw(st.integers(0, 4)):
            args = self._sensible_args(data, tid, roles)
        else:
            args = self._random_args(data, tid, roles)
        before = get_ticket(self.db, tid)
        try:
            after = apply_action(self.db, tid, action, args, self.center)
        except IllegalAction:
            assert expected is None
        except (GuardFailed, TicketNotFound):
            assert expected is not None
        else:
            assert expected is not None and after.state is expected.next
            self.model[tid] = after.state
            self.steps[tid] += 1
            return
        assert get_ticket(self.db, tid) == before, "a refused action changed the ticket"

    @invariant()
    def tickets_are_consistent(self) -> None:
        for tid, state in self.model.items():
            t = get_ticket(self.db, tid)
            history = ticket_history(self.db, tid)
            assert t.state is state
            assert len(history) == 1 + self.steps[tid]
            assert ticket_problems(t, history, self.center) == []

    @invariant()
    def suspended_clock_is_paused(self) -> None:
        for tid, state in self.model.items():
            if state is not State.SUSPENDED:
                continue
            t = get_ticket(self.db, tid)
            assert t.suspended_at is not None
            clock = clock_of(t.clock, self.center)
            later = self.now + timedelta(days=30)
            assert used_seconds(t, later, clock) == used_seconds(t, t.suspended_at, clock)
            assert sla(t, later, self.center) == sla(t, t.suspended_at, self.center)


TicketMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestTicketWorkflow = TicketMachine.TestCase
