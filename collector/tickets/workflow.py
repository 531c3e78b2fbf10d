"""The ticket workflow as ONE transition table: ``{(state, action): Transition}``.

received -> registered (or void, duplicate) -> dispatched (mode direct | assign | supervise, with a
due time) -> accepted -> reported (note, photo) -> verified -> closed. Side paths: returned by the
unit (with or without a reason), extension requested / approved / rejected, suspended (clock
paused) / resumed, rework (verification failed -> accepted again), re-dispatch (more units or
supervise mode on a running ticket).

Guards are plain functions referenced from the table; each returns ``None`` when the action may go
ahead or the reason it may not. Who may act is part of each transition (``roles``). The table is
checked when this module is imported: every state is reachable from ``received``, every non-final
state has a way out and can still reach a final state.

Example:
    >>> TABLE[(State.RECEIVED, Action.REGISTER)].next
    <State.REGISTERED: 'registered'>
    >>> [a.value for a in allowed_actions(State.REPORTED)]
    ['verify_pass', 'verify_fail']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from collector.config.models import Mode, Role
from collector.errors import Message

__all__ = [
    "State",
    "Action",
    "ActionArgs",
    "Guard",
    "Transition",
    "TABLE",
    "INITIAL",
    "FINAL",
    "CLOCK_RUNNING",
    "allowed_actions",
    "check_table",
]


class State(StrEnum):
    RECEIVED = "received"
    REGISTERED = "registered"
    VOID = "void"
    DUPLICATE = "duplicate"
    DISPATCHED = "dispatched"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    EXTENSION_REQUESTED = "extension_requested"
    SUSPENDED = "suspended"
    REPORTED = "reported"
    VERIFIED = "verified"
    CLOSED = "closed"


class Action(StrEnum):
    REGISTER = "register"
    VOID = "void"
    MARK_DUPLICATE = "mark_duplicate"
    DISPATCH = "dispatch"
    REDISPATCH = "redispatch"
    ACCEPT = "accept"
    RETURN = "return"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    SUSPEND = "suspend"
    RESUME = "resume"
    REPORT = "report"
    VERIFY_PASS = "verify_pass"
    VERIFY_FAIL = "verify_fail"
    CLOSE = "close"


INITIAL = State.RECEIVED
FINAL = frozenset({State.CLOSED, State.VOID, State.DUPLICATE})
CLOCK_RUNNING = frozenset({State.DISPATCHED, State.ACCEPTED, State.EXTENSION_REQUESTED})
"""States in which the unit's time limit is being used up (SUSPENDED pauses it)."""


@dataclass(frozen=True)
class ActionArgs:
    """Who does what, when, with which details (only the fields an action needs are read)."""

    actor: str
    role: Role
    at: datetime
    note: str = ""
    mode: Mode | None = None
    units: tuple[str, ...] = ()
    unit: str | None = None
    photo: str | None = None
    hours: float | None = None
    duplicate_of: int | None = None
    falsified: bool = False

    def __post_init__(self) -> None:
        if not self.actor:
            raise ValueError("an action needs an actor")
        if not isinstance(self.role, Role):
            raise ValueError(f"an action's role must be a Role; got {self.role!r}")
        if self.at.tzinfo is None:
            raise ValueError(f"an action needs a time with a zone; got {self.at.isoformat()}")
        if self.mode is not None and not isinstance(self.mode, Mode):
            raise ValueError(f"an action's mode must be a Mode; got {self.mode!r}")


Guard = Callable[["object", ActionArgs], Message | None]
"""``guard(ticket, args) -> None | reason`` (a :class:`Message`); ``ticket`` is a ``collector.tickets.model.Ticket``."""


def units_fit_mode(ticket: object, args: ActionArgs) -> Message | None:
    """direct: at most one unit (the center itself by default); assign: one; supervise: two+."""
    n = len(args.units)
    if args.mode is None:
        return Message("dispatch_needs_mode")
    if args.mode is Mode.ASSIGN and n != 1:
        return Message("assign_needs_one_unit", {"n": n})
    if args.mode is Mode.SUPERVISE and n < 2:
        return Message("supervise_needs_units", {"n": n})
    if args.mode is Mode.DIRECT and n > 1:
        return Message("direct_needs_one_unit", {"n": n})
    if len(set(args.units)) != n:
        return Message("unit_named_twice")
    return None


def unit_is_responsible(ticket: object, args: ActionArgs) -> Message | None:
    """A unit acts only on tickets dispatched to it (``args.unit`` None: not checked)."""
    units = getattr(ticket, "units", ())
    if args.unit is not None and args.unit not in units:
        return Message("unit_not_responsible", {"unit": args.unit, "units": tuple(units)})
    return None


def has_note(ticket: object, args: ActionArgs) -> Message | None:
    """The result report must say what was done."""
    return None if args.note.strip() else Message("note_required")


MAX_EXTENSION_HOURS = 2000.0
"""The most working hours one extension may ask for (about a working year)."""


def has_hours(ticket: object, args: ActionArgs) -> Message | None:
    """An extension asks for a positive, finite number of working hours (at most a year's)."""
    if args.hours is not None and 0 < args.hours <= MAX_EXTENSION_HOURS:
        return None
    return Message("extension_hours_out_of_range", {"max_hours": MAX_EXTENSION_HOURS})


def names_other_ticket(ticket: object, args: ActionArgs) -> Message | None:
    """A duplicate points at another ticket."""
    if args.duplicate_of is None:
        return Message("duplicate_needs_ticket")
    if args.duplicate_of == getattr(ticket, "id", None):
        return Message("duplicate_of_itself")
    return None


def clean_pass(ticket: object, args: ActionArgs) -> Message | None:
    """A passing verification cannot also find the result falsified."""
    return Message("falsified_cannot_pass") if args.falsified else None


@dataclass(frozen=True)
class Transition:
    next: State
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = field(default=())


_CENTER = frozenset({Role.DUTY_CHIEF, Role.DISPATCHER, Role.SYSTEM})
_CHIEF = frozenset({Role.DUTY_CHIEF, Role.SYSTEM})
_UNIT = frozenset({Role.UNIT_HANDLER})
_CHECK = frozenset({Role.INSPECTOR, Role.DUTY_CHIEF})

S, A, T = State, Action, Transition
TABLE: dict[tuple[State, Action], Transition] = {
    (S.RECEIVED, A.REGISTER): T(S.REGISTERED, _CENTER),
    (S.RECEIVED, A.VOID): T(S.VOID, _CENTER, (has_note,)),
    (S.RECEIVED, A.MARK_DUPLICATE): T(S.DUPLICATE, _CENTER, (names_other_ticket,)),
    (S.REGISTERED, A.DISPATCH): T(S.DISPATCHED, _CENTER, (units_fit_mode,)),
    (S.REGISTERED, A.VOID): T(S.VOID, _CENTER, (has_note,)),
    (S.REGISTERED, A.MARK_DUPLICATE): T(S.DUPLICATE, _CENTER, (names_other_ticket,)),
    (S.DISPATCHED, A.ACCEPT): T(S.ACCEPTED, _UNIT, (unit_is_responsible,)),
    (S.DISPATCHED, A.RETURN): T(S.RETURNED, _UNIT, (unit_is_responsible,)),
    (S.DISPATCHED, A.REDISPATCH): T(S.DISPATCHED, _CENTER, (units_fit_mode,)),
    (S.RETURNED, A.DISPATCH): T(S.DISPATCHED, _CENTER, (units_fit_mode,)),
    (S.RETURNED, A.VOID): T(S.VOID, _CENTER, (has_note,)),
    (S.ACCEPTED, A.REPORT): T(S.REPORTED, _UNIT, (unit_is_responsible, has_note)),
    (S.ACCEPTED, A.REQUEST_EXTENSION): T(
        S.EXTENSION_REQUESTED, _UNIT, (unit_is_responsible, has_hours)
    ),
    (S.ACCEPTED, A.SUSPEND): T(S.SUSPENDED, _CHIEF, (has_note,)),
    (S.ACCEPTED, A.REDISPATCH): T(S.DISPATCHED, _CENTER, (units_fit_mode,)),
    (S.EXTENSION_REQUESTED, A.APPROVE_EXTENSION): T(S.ACCEPTED, _CHIEF),
    (S.EXTENSION_REQUESTED, A.REJECT_EXTENSION): T(S.ACCEPTED, _CHIEF),
    (S.SUSPENDED, A.RESUME): T(S.ACCEPTED, _CHIEF),
    (S.REPORTED, A.VERIFY_PASS): T(S.VERIFIED, _CHECK, (clean_pass,)),
    (S.REPORTED, A.VERIFY_FAIL): T(S.ACCEPTED, _CHECK, (has_note,)),
    (S.VERIFIED, A.CLOSE): T(S.CLOSED, _CHIEF),
}
del S, A, T


def allowed_actions(state: State) -> list[Action]:
    """Actions the table allows in ``state``, in table order."""
    return [a for (s, a) in TABLE if s is state]


def _reachable(start: State, edges: dict[State, set[State]]) -> set[State]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def check_table(table: dict[tuple[State, Action], Transition]) -> list[str]:
    """Problems of a table: unreachable states, dead ends, traps, moves out of a final state."""
    forward: dict[State, set[State]] = {}
    backward: dict[State, set[State]] = {}
    for (state, _), tr in table.items():
        forward.setdefault(state, set()).add(tr.next)
        backward.setdefault(tr.next, set()).add(state)
    problems = [f"state {s} is unreachable" for s in State if s not in _reachable(INITIAL, forward)]
    problems += [f"state {s} is a dead end" for s in State if s not in FINAL and s not in forward]
    problems += [f"final state {s} has a way out" for s in FINAL if s in forward]
    can_finish: set[State] = set()
    for final in FINAL:
        can_finish |= _reachable(final, backward)
    problems += [f"state {s} cannot reach a final state" for s in State if s not in can_finish]
    problems += [f"{s}/{a}: no role may act" for (s, a), tr in table.items() if not tr.roles]
    return problems


_PROBLEMS = check_table(TABLE)
if _PROBLEMS:  # pragma: no cover - a broken table must not load
    raise RuntimeError("ticket workflow table: " + "; ".join(_PROBLEMS))
