"""Hysteresis, sustain, clear margin, cooldown and forecast on synthetic density series."""

from __future__ import annotations

import numpy as np
import pytest

from edge_agent.analytics.crowd_density.alarm import (
    TRANSITIONS,
    AlarmTiming,
    Phase,
    Signal,
    ZoneAlarm,
)
from edge_agent.analytics.crowd_density.levels import level_for, los_for_density
from edge_agent.analytics.crowd_density.zone import CrowdZone
from edge_agent.config.models import CrowdThresholds
from edge_agent.contract.incident import EventState, IncidentKind, Level
from edge_agent.detections import Detections
from edge_agent.zones.geometry import PolygonZone

SQUARE = PolygonZone.from_points([(0, 0), (1000, 0), (1000, 1000), (0, 1000)])


def people(n: int) -> Detections:
    """n people standing inside SQUARE."""
    xs = np.linspace(10, 990, max(n, 1))[:n]
    boxes = np.stack([xs - 5, np.full(n, 100), xs + 5, np.full(n, 500)], axis=1)
    return Detections(boxes, np.ones(n), np.zeros(n))


def run(zone: CrowdZone, series: list[tuple[float, int]]):
    events = []
    for t, n in series:
        _, evs = zone.update(t, people(n))
        events += [(t, e.kind, e.alarm.state, e.alarm.level) for e in evs]
    return events


@pytest.mark.parametrize(
    ("density", "los", "level"),
    [
        (0.0, "A", Level.NORMAL),
        (0.5, "C", Level.NORMAL),
        (1.08, "D", Level.NORMAL),
        (1.09, "E", Level.ADVISORY),
        (2.17, "E", Level.ADVISORY),
        (2.2, "F", Level.WARNING),
        (3.99, "F", Level.WARNING),
        (4.0, "F", Level.CRITICAL),
    ],
)
def test_fruin_levels(density, los, level):
    assert los_for_density(density) == los
    assert level_for(density, CrowdThresholds(), by_density=True) is level


def make_zone(**overrides) -> CrowdZone:
    base = dict(
        smoothing_window_s=0,
        raise_after_s=10,
        clear_after_s=20,
        cooldown_s=30,
        update_interval_s=1e6,
        clear_margin=0.1,
        forecast_horizon_s=1,
    )
    th = CrowdThresholds(**(base | overrides))
    return CrowdZone("z", SQUARE, area_m2=10.0, thresholds=th)


def test_level_raised_only_after_sustained():
    # 25 people / 10 m² = 2.5 p/m² (warning), but only for 8 s: a blip, no incident.
    series = [(t, 25 if 10 <= t < 18 else 5) for t in range(0, 60)]
    assert [e for e in run(make_zone(), series) if e[1] is IncidentKind.CROWD_DENSITY] == []


def test_open_update_clear_with_hysteresis_and_cooldown():
    z = make_zone()

    # warning from t=0; at t=40 drops to 2.0 p/m²: below 2.17 but above 2.17*0.9=1.95 -> holds;
    # at t=60 drops to 0.5 -> clears 20 s later; at t=100 high again but cooldown until t=110.
    def n(t):
        if t < 40:
            return 25
        if t < 60:
            return 20
        if t < 100:
            return 5
        return 25

    events = [
        e for e in run(z, [(t, n(t)) for t in range(0, 140)]) if e[1] is IncidentKind.CROWD_DENSITY
    ]
    assert events[0] == (10, IncidentKind.CROWD_DENSITY, EventState.OPENED, Level.WARNING)
    assert events[1] == (80, IncidentKind.CROWD_DENSITY, EventState.CLEARED, Level.WARNING)
    # high since t=100, sustained at 110, and cooldown (80+30) ends at 110: reopens then.
    assert events[2] == (110, IncidentKind.CROWD_DENSITY, EventState.OPENED, Level.WARNING)
    assert len(events) == 3


def test_rising_level_updates_and_lowering_needs_clear_time():
    z = make_zone()
    series = [(t, 25 if t < 30 else 45 if t < 60 else 25) for t in range(0, 100)]
    events = [e[2:] for e in run(z, series) if e[1] is IncidentKind.CROWD_DENSITY]
    assert events == [
        (EventState.OPENED, Level.WARNING),  # t=10
        (EventState.UPDATED, Level.CRITICAL),  # t=40
        (EventState.UPDATED, Level.WARNING),  # t=80, 20 s below 4.0*0.9
    ]


def test_heartbeat_updates_are_throttled():
    z = make_zone(update_interval_s=15)
    events = [
        e for e in run(z, [(t, 25) for t in range(0, 61)]) if e[1] is IncidentKind.CROWD_DENSITY
    ]
    assert [e[0] for e in events] == [10, 25, 40, 55]
    assert [e[2] for e in events] == [EventState.OPENED] + [EventState.UPDATED] * 3


def test_forecast_raises_before_the_warning_is_reached():
    z = make_zone(forecast_window_s=60, forecast_horizon_s=300, raise_after_s=10)
    # +1 person every 6 s from 5: density rises 0.1 p/m² per 6 s = 1 p/m² per minute.
    series = [(t, 5 + t // 6) for t in range(0, 120)]
    events = run(z, series)
    fc = [e for e in events if e[1] is IncidentKind.CROWD_FORECAST]
    dens = [e for e in events if e[1] is IncidentKind.CROWD_DENSITY and e[3] is Level.WARNING]
    assert fc and fc[0][2] is EventState.OPENED and fc[0][3] is Level.WARNING
    assert dens, "the warning itself must come too"
    assert fc[0][0] < dens[0][0], "the forecast must come before the warning"


def test_flat_density_never_forecasts():
    z = make_zone(forecast_window_s=60, forecast_horizon_s=600)
    events = run(z, [(t, 8) for t in range(0, 300)])
    assert [e for e in events if e[1] is IncidentKind.CROWD_FORECAST] == []


def test_count_thresholds_without_area():
    th = CrowdThresholds(
        smoothing_window_s=0, raise_after_s=0, advisory_count=3, warning_count=6, critical_count=9
    )
    z = CrowdZone("frame", SQUARE, area_m2=None, thresholds=th)
    m, events = z.update(0.0, people(7))
    assert (m.count, m.density, m.los) == (7, None, None)
    assert events[0].alarm.level is Level.WARNING


def test_transition_table_has_no_dead_end():
    reachable = {Phase.IDLE}
    for (src, _), (dst, _) in TRANSITIONS.items():
        if src in reachable:
            reachable.add(dst)
    assert reachable == set(Phase)
    for phase in Phase:
        assert any(src is phase for src, _ in TRANSITIONS), f"{phase} has no way out"
    assert (Phase.COOLDOWN, Signal.COOLED) in TRANSITIONS


def test_live_threshold_change_keeps_open_incident():
    z = make_zone()
    run(z, [(t, 25) for t in range(0, 15)])
    assert z.alarm.phase is Phase.ACTIVE
    z.set_thresholds(
        CrowdThresholds(
            warning_density=3.0,
            smoothing_window_s=0,
            clear_after_s=5,
            raise_after_s=10,
            cooldown_s=0,
            update_interval_s=1e6,
        )
    )
    events = run(z, [(t, 25) for t in range(15, 30)])
    # 2.5 p/m² is now only advisory: lowered after clear_after_s, same episode.
    assert [(e[2], e[3]) for e in events] == [(EventState.UPDATED, Level.ADVISORY)]
    assert z.alarm.phase is Phase.ACTIVE and z.alarm.started_t == 10


def test_alarm_unit_example():
    a = ZoneAlarm(
        AlarmTiming(raise_after_s=0, clear_after_s=0, cooldown_s=0, update_interval_s=1e9)
    )
    assert a.step(0, Level.ADVISORY, Level.ADVISORY).state is EventState.OPENED
    assert a.step(1, Level.NORMAL, Level.NORMAL).state is EventState.CLEARED
