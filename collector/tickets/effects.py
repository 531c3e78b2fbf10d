"""What each workflow action changes on a ticket besides its state (pure functions).

``EFFECTS[action](ticket, args, center) -> Change``. The service writes the change, the new state
and the audit row in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from collector.config.models import CenterConfig, Mode, UnitKind
from collector.errors import GuardFailed
from collector.tickets.model import Ticket
from collector.tickets.sla import budget_for, clock_of, due_time
from collector.tickets.workflow import MAX_EXTENSION_HOURS, Action, ActionArgs
from collector.worktime import MAX_DAYS

__all__ = ["Change", "EFFECTS", "center_unit"]


@dataclass(frozen=True)
class Change:
    """Column updates; ``units`` replaces the active units when not None; ``data`` goes to audit."""

    fields: dict[str, Any] = field(default_factory=dict)
    units: tuple[str, ...] | None = None
    data: dict[str, Any] = field(default_factory=dict)


Effect = Callable[[Ticket, ActionArgs, CenterConfig], Change]


def center_unit(center: CenterConfig) -> str:
    """The center's own unit (handles tickets dispatched in direct mode)."""
    for unit in center.units:
        if unit.kind is UnitKind.CENTER:
            return unit.id
    raise GuardFailed("no_center_unit")


def _dispatch_units(args: ActionArgs, center: CenterConfig) -> tuple[str, ...]:
    units = args.units or ((center_unit(center),) if args.mode is Mode.DIRECT else ())
    unknown = [u for u in units if u not in center.unit_ids()]
    if unknown:
        raise GuardFailed("unknown_units", codes=tuple(unknown))
    return units


def _dispatch(t: Ticket, a: ActionArgs, c: CenterConfig) -> Change:
    units = _dispatch_units(a, c)
    kind, budget = budget_for(t.category, t.urgent, c)
    if a.hours is not None:  # the duty chief set the deadline: working hours on the clock
        if not 0 < a.hours <= MAX_EXTENSION_HOURS:
            raise GuardFailed("deadline_out_of_range", max_hours=MAX_EXTENSION_HOURS)
        budget = a.hours * 3600
    due = due_time(a.at, budget, 0.0, clock_of(kind, c))
    return Change(
        fields={
            "mode": a.mode.value if a.mode else None,
            "dispatched_at": a.at,
            "clock": kind,
            "clock_start": a.at,
            "budget_s": budget,
            "paused_s": 0.0,
            "due_at": due,
            "accepted_at": None,
            "returned_at": None,
            "supervised": int(a.mode is Mode.SUPERVISE or t.supervised),
        },
        units=units,
        data={"mode": a.mode.value if a.mode else None, "units": list(units), "due_at": due},
    )


def _redispatch(t: Ticket, a: ActionArgs, c: CenterConfig) -> Change:
    """More units or another mode; the deadline keeps running."""
    units = _dispatch_units(a, c)
    return Change(
        fields={
            "mode": a.mode.value if a.mode else None,
            "accepted_at": None,
            "supervised": int(a.mode is Mode.SUPERVISE or t.supervised),
        },
        units=units,
        data={"mode": a.mode.value if a.mode else None, "units": list(units)},
    )


def _return(t: Ticket, a: ActionArgs, c: CenterConfig) -> Change:
    unit = a.unit or (t.units[0] if len(t.units) == 1 else None)
    reason = bool(a.note.strip())
    return Change(
        fields={
            "returned_at": a.at,
            "returns": t.returns + 1,
            "returns_no_reason": t.returns_no_reason + (0 if reason else 1),
        },
        units=(),
        data={"unit": unit, "with_reason": reason},
    )


def _approve_extension(t: Ticket, a: ActionArgs, c: CenterConfig) -> Change:
    budget = (t.budget_s or 0.0) + (t.extension_request_s or 0.0)
    assert t.clock_start is not None
    try:
        due = due_time(t.clock_start, budget, t.paused_s, clock_of(t.clock, c))
    except ValueError:  # so many extensions that no calendar day is left
        raise GuardFailed("no_working_time_left", ticket=t.id, days=MAX_DAYS) from None
    return Change(
        fields={
            "budget_s": budget,
            "extension_request_s": None,
            "extensions": t.extensions + 1,
            "due_at": due,
        },
        data={"added_s": t.extension_request_s, "due_at": due},
    )


def _resume(t: Ticket, a: ActionArgs, c: CenterConfig) -> Change:
    assert t.suspended_at is not None and t.clock_start is not None and t.budget_s is not None
    clock = clock_of(t.clock, c)
    paused = t.paused_s + clock.working_seconds(t.suspended_at, a.at)
    due = due_time(t.clock_start, t.budget_s, paused, clock)
    return Change(
        fields={"paused_s": paused, "suspended_at": None, "due_at": due},
        data={"paused_s": paused, "due_at": due},
    )


def _verify_fail(t: Ticket, a: ActionArgs, c: CenterConfig) -> Change:
    return Change(
        fields={
            "reworks": t.reworks + 1,
            "falsified": t.falsified + int(a.falsified),
            "reported_at": None,
        },
        data={"falsified": a.falsified},
    )


def _set(**values: str) -> Effect:
    """An effect that stamps ``args.at`` into the named columns (values: 'at', 'none')."""

    def effect(t: Ticket, a: ActionArgs, c: CenterConfig) -> Change:
        return Change(fields={k: a.at if v == "at" else None for k, v in values.items()})

    return effect


EFFECTS: dict[Action, Effect] = {
    Action.REGISTER: _set(registered_at="at"),
    Action.VOID: _set(voided_at="at"),
    Action.MARK_DUPLICATE: lambda t, a, c: Change(
        fields={"voided_at": a.at, "duplicate_of": a.duplicate_of},
        data={"duplicate_of": a.duplicate_of},
    ),
    Action.DISPATCH: _dispatch,
    Action.REDISPATCH: _redispatch,
    Action.ACCEPT: lambda t, a, c: Change(fields={"accepted_at": a.at}, data={"unit": a.unit}),
    Action.RETURN: _return,
    Action.REQUEST_EXTENSION: lambda t, a, c: Change(
        fields={"extension_request_s": (a.hours or 0.0) * 3600}, data={"hours": a.hours}
    ),
    Action.APPROVE_EXTENSION: _approve_extension,
    Action.REJECT_EXTENSION: lambda t, a, c: Change(fields={"extension_request_s": None}),
    Action.SUSPEND: _set(suspended_at="at"),
    Action.RESUME: _resume,
    Action.REPORT: lambda t, a, c: Change(
        fields={"reported_at": a.at, "result_note": a.note, "result_photo": a.photo},
        data={"photo": a.photo},
    ),
    Action.VERIFY_PASS: _set(verified_at="at"),
    Action.VERIFY_FAIL: _verify_fail,
    Action.CLOSE: _set(closed_at="at"),
}

_MISSING = [a.value for a in Action if a not in EFFECTS]
if _MISSING:  # pragma: no cover - checked at import
    raise RuntimeError(f"workflow actions without an effect: {', '.join(_MISSING)}")
