"""Per-zone alarm with hysteresis, sustain time, clear time, cooldown and throttled updates.

The phases and what each signal does are one table (:data:`TRANSITIONS`); the timers that turn
measured levels into signals are a pure function of the alarm's state and the stream time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from edge_agent.contract.incident import EventState, Level
from edge_agent.incidents.event import AlarmEvent

__all__ = ["Phase", "Signal", "TRANSITIONS", "AlarmTiming", "AlarmEvent", "ZoneAlarm"]


class Phase(StrEnum):
    IDLE = "idle"
    ACTIVE = "active"
    COOLDOWN = "cooldown"


class Signal(StrEnum):
    RAISE = "raise"  # a higher level has been sustained long enough
    LOWER = "lower"  # the value stayed below the current level's clear margin, but not below all
    CLEAR = "clear"  # the value stayed below every level's clear margin long enough
    HEARTBEAT = "heartbeat"  # no event for update_interval_s while active
    COOLED = "cooled"  # cooldown over


#: (phase, signal) -> (next phase, event emitted or None). Anything else is ignored.
TRANSITIONS: dict[tuple[Phase, Signal], tuple[Phase, EventState | None]] = {
    (Phase.IDLE, Signal.RAISE): (Phase.ACTIVE, EventState.OPENED),
    (Phase.ACTIVE, Signal.RAISE): (Phase.ACTIVE, EventState.UPDATED),
    (Phase.ACTIVE, Signal.LOWER): (Phase.ACTIVE, EventState.UPDATED),
    (Phase.ACTIVE, Signal.HEARTBEAT): (Phase.ACTIVE, EventState.UPDATED),
    (Phase.ACTIVE, Signal.CLEAR): (Phase.COOLDOWN, EventState.CLEARED),
    (Phase.COOLDOWN, Signal.COOLED): (Phase.IDLE, None),
}

_LEVELS = (Level.ADVISORY, Level.WARNING, Level.CRITICAL)


@dataclass(frozen=True)
class AlarmTiming:
    raise_after_s: float
    clear_after_s: float
    cooldown_s: float
    update_interval_s: float


@dataclass
class ZoneAlarm:
    """Feed it, per analysed frame, the level the value reaches and the level it reaches with
    the clear margin applied (``clear_level`` ≥ ``level``); it answers with an event or None.

    Example:
        >>> a = ZoneAlarm(AlarmTiming(raise_after_s=5, clear_after_s=10, cooldown_s=0,
        ...                            update_interval_s=1e9))
        >>> [a.step(t, Level.WARNING, Level.WARNING) for t in (0, 4)]
        [None, None]
        >>> a.step(5, Level.WARNING, Level.WARNING).state.value
        'opened'
    """

    timing: AlarmTiming
    phase: Phase = Phase.IDLE
    level: Level = Level.NORMAL
    started_t: float = 0.0
    _above_since: dict[Level, float] = field(default_factory=dict)
    _below_since: float | None = None
    _last_event_t: float = 0.0
    _cooldown_until: float = 0.0

    def _track(self, t: float, level: Level, clear_level: Level) -> None:
        for lv in _LEVELS:
            if level.rank >= lv.rank:
                self._above_since.setdefault(lv, t)
            else:
                self._above_since.pop(lv, None)
        if self.phase is Phase.ACTIVE and clear_level.rank < self.level.rank:
            if self._below_since is None:
                self._below_since = t
        else:
            self._below_since = None

    def _sustained(self, t: float) -> Level:
        best = Level.NORMAL
        for lv in _LEVELS:
            since = self._above_since.get(lv)
            if since is not None and t - since >= self.timing.raise_after_s:
                best = lv
        return best

    def _signal(self, t: float, clear_level: Level) -> tuple[Signal, Level] | None:
        """Pure: which signal the timers give now, and the level it carries."""
        sustained = self._sustained(t)
        if self.phase is Phase.COOLDOWN:
            return (Signal.COOLED, Level.NORMAL) if t >= self._cooldown_until else None
        if sustained.rank > self.level.rank:
            return Signal.RAISE, sustained
        if self.phase is Phase.ACTIVE:
            below = self._below_since
            if below is not None and t - below >= self.timing.clear_after_s:
                if clear_level is Level.NORMAL:
                    return Signal.CLEAR, self.level
                return Signal.LOWER, clear_level
            if t - self._last_event_t >= self.timing.update_interval_s:
                return Signal.HEARTBEAT, self.level
        return None

    def step(self, t: float, level: Level, clear_level: Level) -> AlarmEvent | None:
        self._track(t, level, clear_level)
        sig = self._signal(t, clear_level)
        if sig is not None and sig[0] is Signal.COOLED:
            self.phase = TRANSITIONS[(Phase.COOLDOWN, Signal.COOLED)][0]
            sig = self._signal(t, clear_level)  # a crowd still there re-opens at once
        if sig is None:
            return None
        signal, carried = sig
        next_phase, event = TRANSITIONS.get((self.phase, signal), (self.phase, None))
        if signal is Signal.RAISE and self.phase is Phase.IDLE:
            self.started_t = t
        if signal in (Signal.RAISE, Signal.LOWER):
            self.level = carried
            self._below_since = None
        if signal is Signal.CLEAR:
            self._cooldown_until = t + self.timing.cooldown_s
        self.phase = next_phase
        if event is None:
            return None
        self._last_event_t = t
        out = AlarmEvent(event, self.level, self.started_t, t)
        if event is EventState.CLEARED:
            self.level = Level.NORMAL
        return out
