"""A zone's alarm event, before it becomes an incident: what changed, when, with which metrics.

Any analytic whose alarms open, update and clear per zone (crowd density today) hands these to
:class:`edge_agent.incidents.tracker.IncidentTracker`, which gives them ids, sequence numbers and
wall times. They live here, below the analytics, so that the tracker depends on no analytic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from edge_agent.contract.incident import EventState, IncidentKind, Level

__all__ = ["AlarmEvent", "ZoneEvent"]


@dataclass(frozen=True)
class AlarmEvent:
    """What an alarm says at one moment of stream time.

    Example:
        >>> AlarmEvent(EventState.OPENED, Level.WARNING, started_t=5.0, t=3.0)
        Traceback (most recent call last):
        ...
        ValueError: AlarmEvent.t (3.0) must not be before started_t (5.0)
    """

    state: EventState
    level: Level
    started_t: float  # stream time the episode opened
    t: float

    def __post_init__(self) -> None:
        if not isinstance(self.state, EventState):
            raise ValueError(f"AlarmEvent.state must be an EventState; got {self.state!r}")
        if not isinstance(self.level, Level) or self.level is Level.NORMAL:
            raise ValueError(f"AlarmEvent.level must be a Level above normal; got {self.level!r}")
        for name in ("started_t", "t"):
            value = getattr(self, name)
            if not math.isfinite(value):
                raise ValueError(f"AlarmEvent.{name} must be a finite stream time; got {value}")
        if self.t < self.started_t:
            raise ValueError(
                f"AlarmEvent.t ({self.t}) must not be before started_t ({self.started_t})"
            )


@dataclass(frozen=True)
class ZoneEvent:
    """One alarm event of one zone, with the incident kind and the ``metrics`` it reports.

    Attributes:
        kind: the incident kind it belongs to.
        alarm: state, level and stream times.
        metrics: the incident's ``metrics`` object (schema incident-1).

    Example:
        >>> ev = ZoneEvent(IncidentKind.CROWD_DENSITY,
        ...                AlarmEvent(EventState.OPENED, Level.WARNING, 3.0, 3.0), {"count": 40})
        >>> ev.alarm.level.value
        'warning'
    """

    kind: IncidentKind
    alarm: AlarmEvent
    metrics: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.kind, IncidentKind):
            raise ValueError(f"ZoneEvent.kind must be an IncidentKind; got {self.kind!r}")
        if not isinstance(self.alarm, AlarmEvent):
            raise ValueError(f"ZoneEvent.alarm must be an AlarmEvent; got {self.alarm!r}")
        if not isinstance(self.metrics, Mapping):
            raise ValueError(f"ZoneEvent.metrics must be a mapping; got {type(self.metrics)}")
