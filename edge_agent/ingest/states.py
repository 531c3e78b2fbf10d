"""Per-camera connection state: a transition table, checked at import, and the reconnect backoff.

Pure: no clock, no threads. The camera worker feeds events and sleeps :func:`backoff_delay`.

::

    connecting ──frame──▶ online ──stall──▶ stalled ──retry──▶ connecting
       │   ▲                  │                   │
       │   └──────lost────────┘                   │
       └── give_up (N failures in a row) ─────────┴──▶ offline (keeps retrying at backoff_max;
                                                                 its next frame: online)
    connecting/online/offline ──end (file done)──▶ finished;  any ──stop──▶ stopped
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum

from edge_agent.config.models import ReconnectConfig
from edge_agent.errors import SourceError

__all__ = [
    "CameraState",
    "CameraEvent",
    "TRANSITIONS",
    "TERMINAL",
    "TransitionError",
    "transition",
    "failure_event",
    "backoff_cap",
    "backoff_delay",
]


class CameraState(StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    STALLED = "stalled"
    OFFLINE = "offline"
    FINISHED = "finished"
    STOPPED = "stopped"


class CameraEvent(StrEnum):
    FRAME = "frame"  # a frame was decoded
    FAILURE = "failure"  # an open failed (or a session ended before any frame)
    GIVE_UP = "give_up"  # a failure that reached offline_after_failures
    STALL = "stall"  # no frame for stall_after_s, or no data within the read timeout
    LOST = "lost"  # the connection dropped or a live stream ended
    RETRY = "retry"  # the backoff after a stall is over: connect again
    END = "end"  # a file source is done (or cannot be opened)
    STOP = "stop"  # the agent asked the worker to stop


S, E = CameraState, CameraEvent

#: ``{(state, event): next state}``; a missing pair is an error.
TRANSITIONS: dict[tuple[CameraState, CameraEvent], CameraState] = {
    (S.CONNECTING, E.FRAME): S.ONLINE,
    (S.CONNECTING, E.FAILURE): S.CONNECTING,
    (S.CONNECTING, E.GIVE_UP): S.OFFLINE,
    (S.CONNECTING, E.STALL): S.STALLED,
    (S.CONNECTING, E.LOST): S.CONNECTING,
    (S.CONNECTING, E.END): S.FINISHED,
    (S.ONLINE, E.FRAME): S.ONLINE,
    (S.ONLINE, E.STALL): S.STALLED,
    (S.ONLINE, E.LOST): S.CONNECTING,
    (S.ONLINE, E.END): S.FINISHED,
    (S.STALLED, E.RETRY): S.CONNECTING,
    (S.STALLED, E.FAILURE): S.STALLED,
    (S.STALLED, E.GIVE_UP): S.OFFLINE,
    (S.OFFLINE, E.FRAME): S.ONLINE,
    (S.OFFLINE, E.FAILURE): S.OFFLINE,
    (S.OFFLINE, E.GIVE_UP): S.OFFLINE,
    (S.OFFLINE, E.STALL): S.OFFLINE,
    (S.OFFLINE, E.LOST): S.OFFLINE,
    (S.OFFLINE, E.END): S.FINISHED,
    **{(state, E.STOP): S.STOPPED for state in S if state not in (S.FINISHED, S.STOPPED)},
}

#: States a worker never leaves.
TERMINAL = frozenset({S.FINISHED, S.STOPPED})


class TransitionError(SourceError):
    """An event that the current state does not accept (a bug in the worker, not in the camera)."""


def allowed_events(state: CameraState) -> list[CameraEvent]:
    return [event for (src, event) in TRANSITIONS if src is state]


def transition(state: CameraState, event: CameraEvent) -> CameraState:
    """The state after ``event``.

    Example:
        >>> transition(CameraState.ONLINE, CameraEvent.STALL).value
        'stalled'
    """
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        allowed = ", ".join(e.value for e in allowed_events(state)) or "none (terminal)"
        raise TransitionError(
            f"camera state {state.value!r} does not accept {event.value!r}; allowed: {allowed}"
        ) from None


def _check_table() -> None:
    """Every state is reachable from connecting, and every non-terminal state can move on."""
    seen, todo = {S.CONNECTING}, [S.CONNECTING]
    while todo:
        state = todo.pop()
        for event in allowed_events(state):
            nxt = TRANSITIONS[(state, event)]
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    unreachable = set(S) - seen
    dead_ends = {
        s for s in set(S) - TERMINAL if all(TRANSITIONS[(s, e)] is s for e in allowed_events(s))
    }
    if unreachable or dead_ends:
        raise AssertionError(f"bad camera state table: unreachable {unreachable}, dead {dead_ends}")


_check_table()


def failure_event(failures: int, cfg: ReconnectConfig) -> CameraEvent:
    """FAILURE, or GIVE_UP once ``failures`` consecutive failures reach ``offline_after_failures``.

    Example:
        >>> cfg = ReconnectConfig(offline_after_failures=3)
        >>> [failure_event(n, cfg).value for n in (1, 2, 3, 4)]
        ['failure', 'failure', 'give_up', 'give_up']
    """
    return CameraEvent.GIVE_UP if failures >= cfg.offline_after_failures else CameraEvent.FAILURE


def backoff_cap(failures: int, cfg: ReconnectConfig) -> float:
    """Upper bound of the wait after ``failures`` consecutive failures (≥ 1): exponential, capped.

    Offline cameras (``failures ≥ offline_after_failures``) wait up to ``backoff_max_s``.

    Example:
        >>> cfg = ReconnectConfig(backoff_initial_s=1, backoff_max_s=10, offline_after_failures=9)
        >>> [backoff_cap(n, cfg) for n in (1, 2, 3, 4, 5, 9)]
        [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    """
    if failures >= cfg.offline_after_failures:
        return cfg.backoff_max_s
    exponent = max(failures - 1, 0)
    if exponent > 60:  # 2**60 s is beyond any cap; avoid float overflow
        return cfg.backoff_max_s
    return min(cfg.backoff_max_s, cfg.backoff_initial_s * math.pow(2.0, exponent))


def backoff_delay(failures: int, cfg: ReconnectConfig, rand: Callable[[], float]) -> float:
    """Seconds to wait before the next try, with full jitter: ``rand() × backoff_cap``.

    ``rand`` returns a uniform number in [0, 1).

    Example:
        >>> cfg = ReconnectConfig(backoff_initial_s=1, backoff_max_s=10)
        >>> backoff_delay(3, cfg, lambda: 0.5)
        2.0
    """
    return rand() * backoff_cap(failures, cfg)
