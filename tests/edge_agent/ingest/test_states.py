"""The per-camera state table and the reconnect backoff (pure)."""

from __future__ import annotations

import random

import pytest

from edge_agent.config.models import ReconnectConfig
from edge_agent.ingest.states import (
    TERMINAL,
    CameraEvent,
    CameraState,
    TransitionError,
    backoff_cap,
    backoff_delay,
    failure_event,
    transition,
)

S, E = CameraState, CameraEvent


def run(events: list[CameraEvent], start: CameraState = S.CONNECTING) -> CameraState:
    state = start
    for event in events:
        state = transition(state, event)
    return state


@pytest.mark.parametrize(
    ("events", "final"),
    [
        ([E.FRAME], S.ONLINE),
        ([E.FRAME, E.FRAME], S.ONLINE),
        ([E.FRAME, E.STALL], S.STALLED),
        ([E.FRAME, E.STALL, E.RETRY], S.CONNECTING),
        ([E.FRAME, E.STALL, E.RETRY, E.FRAME], S.ONLINE),
        ([E.FRAME, E.LOST], S.CONNECTING),
        ([E.FAILURE, E.FAILURE], S.CONNECTING),
        ([E.FAILURE, E.GIVE_UP], S.OFFLINE),
        ([E.GIVE_UP, E.FAILURE, E.STALL, E.LOST], S.OFFLINE),  # offline keeps retrying
        ([E.GIVE_UP, E.FRAME], S.ONLINE),
        ([E.FRAME, E.STALL, E.GIVE_UP], S.OFFLINE),
        ([E.STALL, E.FAILURE], S.STALLED),
        ([E.FRAME, E.END], S.FINISHED),
        ([E.END], S.FINISHED),
        ([E.FRAME, E.STOP], S.STOPPED),
        ([E.GIVE_UP, E.STOP], S.STOPPED),
        ([E.STALL, E.STOP], S.STOPPED),
    ],
)
def test_paths(events: list[CameraEvent], final: CameraState) -> None:
    assert run(events) is final


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (S.STALLED, E.FRAME),  # a stalled camera is closed: it reconnects before frames
        (S.ONLINE, E.RETRY),
        (S.FINISHED, E.FRAME),
        (S.FINISHED, E.STOP),
        (S.STOPPED, E.STOP),
        (S.STALLED, E.END),
    ],
)
def test_refused_events_name_state_and_allowed(state: CameraState, event: CameraEvent) -> None:
    with pytest.raises(TransitionError, match=f"'{state.value}' does not accept '{event.value}'"):
        transition(state, event)


@pytest.mark.parametrize("state", [s for s in S if s not in TERMINAL])
def test_every_live_state_can_stop(state: CameraState) -> None:
    assert transition(state, E.STOP) is S.STOPPED


def test_terminal_states_accept_nothing() -> None:
    for state in TERMINAL:
        for event in E:
            with pytest.raises(TransitionError, match="none \\(terminal\\)"):
                transition(state, event)


@pytest.mark.parametrize(
    ("failures", "limit", "event"),
    [(1, 3, E.FAILURE), (2, 3, E.FAILURE), (3, 3, E.GIVE_UP), (7, 3, E.GIVE_UP), (1, 1, E.GIVE_UP)],
)
def test_failure_event(failures: int, limit: int, event: CameraEvent) -> None:
    assert failure_event(failures, ReconnectConfig(offline_after_failures=limit)) is event


CFG = ReconnectConfig(backoff_initial_s=0.5, backoff_max_s=6.0, offline_after_failures=10)


@pytest.mark.parametrize(
    ("failures", "cap"),
    [(0, 0.5), (1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 6.0), (9, 6.0), (10, 6.0), (500, 6.0)],
)
def test_backoff_cap_doubles_up_to_max(failures: int, cap: float) -> None:
    assert backoff_cap(failures, CFG) == pytest.approx(cap)


def test_offline_camera_waits_up_to_backoff_max() -> None:
    cfg = ReconnectConfig(backoff_initial_s=1, backoff_max_s=60, offline_after_failures=2)
    assert backoff_cap(1, cfg) == 1
    assert backoff_cap(2, cfg) == 60


@pytest.mark.parametrize("failures", [1, 2, 3, 4, 6, 12])
def test_full_jitter_spans_zero_to_cap(failures: int) -> None:
    rng = random.Random(failures)
    cap = backoff_cap(failures, CFG)
    delays = [backoff_delay(failures, CFG, rng.random) for _ in range(400)]
    assert all(0.0 <= d < cap for d in delays)
    # full jitter: the waits spread over the whole range, not bunched at the cap
    assert min(delays) < 0.1 * cap and max(delays) > 0.9 * cap
    assert backoff_delay(failures, CFG, lambda: 0.0) == 0.0
    assert backoff_delay(failures, CFG, lambda: 0.5) == pytest.approx(cap / 2)
