"""The daily patrol of a watched place: which day is due, and its verdict. Pure, no I/O.

A watched place (a construction_watch zone with ``watched_place``) is patrolled once per day in a
day-time window of the box's local time. Stream time only: the time of each analysed frame
(``epoch + pts``) in the box's time zone says which day and which part of it the frame is in.

Each day not yet *settled* (checked or missed) is, at a frame at time ``t``, in one phase of its
window, and :data:`RULES` says what happens:

====== ================================== ==============================================
phase  ``t`` against the day's window     action
====== ================================== ==============================================
before ``t < start``                      wait
in     ``start <= t < end``               check: this frame is the day's patrol frame
after  ``end <= t``                       missed: no frame in the window, ``camera_down``
====== ================================== ==============================================

Days settle in order. The first day counted is the day of the first frame if that frame came
before the end of its window (a box started in the afternoon has missed nothing that day), else
the next. A jump of stream time over many days reports at most ``max_missed`` of the days
before the frame's own (the latest): a camera down for a year should not flood the center.

Example:
    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> tz = ZoneInfo("Asia/Shanghai")
    >>> clock = PatrolClock(Window.of("09:00-11:00"), tz)
    >>> clock.step(datetime(2026, 2, 16, 8, 0, tzinfo=tz)).dues
    []
    >>> [(d.day.isoformat(), d.action.value) for d in clock.step(datetime(2026, 2, 16, 9, 5, tzinfo=tz)).dues]
    [('2026-02-16', 'check')]
    >>> [(d.day.isoformat(), d.action.value) for d in clock.step(datetime(2026, 2, 18, 9, 30, tzinfo=tz)).dues]
    [('2026-02-17', 'missed'), ('2026-02-18', 'check')]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from edge_agent.config.patrol import parse_window
from edge_agent.contract.incident import (
    EventState,
    Evidence,
    Incident,
    IncidentKind,
    Level,
    new_id,
)
from edge_agent.contract.patrol import PatrolCheck, Verdict, WatchedPlace
from edge_agent.incidents.origin import Origin

__all__ = [
    "MAX_MISSED_DAYS",
    "Window",
    "Phase",
    "Action",
    "RULES",
    "Due",
    "Step",
    "PatrolClock",
    "OpenChanges",
    "verdict_of",
    "patrol_incident",
]

#: Most ``camera_down`` days one jump of stream time reports (the latest ones): a month.
MAX_MISSED_DAYS = 31

#: Keys of a construction_change's metrics a ``changed`` patrol repeats (the construction result).
_RESULT_KEYS = ("bbox", "area_px", "area_m2", "first_seen_at")
_NO_REFERENCE = "no reference yet: the view is being learnt"


@dataclass(frozen=True)
class Window:
    """A day-time window ``start``-``end`` (local time, within one day)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"a window must end after it starts; got {self.text}")

    @classmethod
    def of(cls, text: str) -> Window:
        return cls(*parse_window(text))

    @property
    def text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def bounds(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The window of ``day`` as aware datetimes in ``tz``."""
        return datetime.combine(day, self.start, tz), datetime.combine(day, self.end, tz)


class Phase(StrEnum):
    BEFORE = "before"
    IN = "in"
    AFTER = "after"


class Action(StrEnum):
    WAIT = "wait"
    CHECK = "check"
    MISSED = "missed"


#: What an unsettled day's phase at a frame's time does (the table of the module docstring).
RULES: dict[Phase, Action] = {
    Phase.BEFORE: Action.WAIT,
    Phase.IN: Action.CHECK,
    Phase.AFTER: Action.MISSED,
}


@dataclass(frozen=True)
class Due:
    """A day's patrol that a frame settles: checked on this frame, or missed."""

    day: date
    action: Action


@dataclass(frozen=True)
class Step:
    """What one frame settles, oldest day first; ``skipped``: missed days not reported."""

    dues: list[Due]
    skipped: int = 0


@dataclass
class PatrolClock:
    """Which days a watched place's frames settle (the :data:`RULES` state machine).

    ``settled`` is the last day checked or missed (``None`` before the first frame).
    """

    window: Window
    tz: ZoneInfo
    max_missed: int = MAX_MISSED_DAYS
    settled: date | None = None

    def __post_init__(self) -> None:
        if self.max_missed < 0:
            raise ValueError(f"max_missed must be >= 0; got {self.max_missed}")

    def phase(self, day: date, at: datetime) -> Phase:
        start, end = self.window.bounds(day, self.tz)
        if at < start:
            return Phase.BEFORE
        return Phase.IN if at < end else Phase.AFTER

    def step(self, at: datetime) -> Step:
        """The days a frame at ``at`` (aware; stream time) settles."""
        if at.tzinfo is None:
            raise ValueError("a frame's time must carry a time zone")
        today = at.astimezone(self.tz).date()
        if self.settled is None:  # the first frame: a day whose window has passed is not counted
            passed = self.phase(today, at) is Phase.AFTER
            self.settled = today if passed else today - timedelta(days=1)
            if passed:
                return Step([])
        # at most max_missed days before today are reported: skip the older ones outright
        oldest = today - timedelta(days=self.max_missed)
        skipped = max(0, (oldest - self.settled).days - 1)
        day = self.settled + timedelta(days=1 + skipped)
        dues: list[Due] = []
        while day <= today:  # at most max_missed + 1 days
            action = RULES[self.phase(day, at)]
            if action is Action.WAIT:
                break
            dues.append(Due(day, action))
            self.settled = day
            day += timedelta(days=1)
        return Step(dues, skipped)


@dataclass
class OpenChanges:
    """The zone's ``construction_change`` incidents still open, followed from the events the
    watch emits, with the metrics of each one's latest event."""

    open: dict[str, dict[str, Any]] = field(default_factory=dict)

    def follow(self, incidents: Iterable[Incident]) -> None:
        for inc in incidents:
            if inc.kind is IncidentKind.TAMPER and inc.state is EventState.OPENED:
                self.open.clear()  # the watch forgets its structures while the view is bad
            if inc.kind is not IncidentKind.CONSTRUCTION_CHANGE:
                continue
            if inc.state is EventState.CLEARED:
                self.open.pop(inc.id, None)
            else:
                self.open.pop(inc.id, None)  # re-inserted: the latest event is last
                self.open[inc.id] = dict(inc.metrics)

    def latest(self) -> tuple[str, dict[str, Any]] | None:
        """The open change seen most recently (``None``: none open)."""
        if not self.open:
            return None
        change_id = next(reversed(self.open))
        return change_id, self.open[change_id]


def verdict_of(
    due: Due,
    window: Window,
    changes: OpenChanges,
    reference_at: datetime | None,
    tampered: str | None = None,
) -> tuple[PatrolCheck, dict[str, Any]]:
    """The day's patrol and the metrics it carries.

    A checked day is ``changed`` while a construction change of the zone is open, else
    ``unchanged``; a missed day, or a view the watch holds tampered (``tampered`` is why), is
    ``camera_down``: the frame proves nothing about the place.
    """
    change = changes.latest() if due.action is Action.CHECK and tampered is None else None
    if due.action is Action.MISSED:
        verdict = Verdict.CAMERA_DOWN
        metrics = {"reason": f"no frame of the zone in the window {window.text} of {due.day}"}
    elif tampered is not None:
        verdict, metrics = Verdict.CAMERA_DOWN, {"reason": f"view tampered: {tampered}"[:200]}
    elif change is None:
        verdict = Verdict.UNCHANGED
        learning = reference_at is None
        metrics = {
            "reason": _NO_REFERENCE if learning else "no new structure against the reference"
        }
    else:
        verdict = Verdict.CHANGED
        result = {k: change[1][k] for k in _RESULT_KEYS if change[1].get(k) is not None}
        metrics = result | {"reason": "new structure against the reference"}
    change_id = change[0] if change is not None else None
    return PatrolCheck(due.day, window.text, verdict, change_id, reference_at), metrics


def patrol_incident(
    where: Origin,
    place: WatchedPlace,
    check: tuple[PatrolCheck, dict[str, Any]],
    observed: tuple[datetime, float | None],
    evidence: tuple[Evidence, ...] = (),
    incident_id: str | None = None,
) -> Incident:
    """The ``patrol_check`` incident of one day (level info, state opened, its own id).

    ``observed`` = (time, stream pts) of the day's frame; a missed day is dated at the end of
    its window, with no pts.
    """
    patrol, metrics = check
    at, pts = observed
    return Incident(
        id=incident_id or new_id(),
        seq=0,
        **where.ids(),
        kind=IncidentKind.PATROL_CHECK,
        level=Level.INFO,
        state=EventState.OPENED,
        started_at=at,
        observed_at=at,
        metrics=metrics,
        evidence=evidence,
        stream_pts=pts,
        watched_place=place,
        patrol=patrol,
    )
