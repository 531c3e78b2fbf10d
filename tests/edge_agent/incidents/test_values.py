"""The values that flow from an analytic to the tracker validate themselves, table-driven."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from edge_agent.contract.incident import EventState, IncidentKind, Level
from edge_agent.incidents.event import AlarmEvent, ZoneEvent
from edge_agent.incidents.origin import Origin, StreamClock
from edge_agent.incidents.tracker import IncidentTracker

OPENED = AlarmEvent(EventState.OPENED, Level.WARNING, 10.0, 10.0)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((EventState.OPENED, Level.NORMAL, 0.0, 0.0), "above normal"),
        (("opened", Level.WARNING, 0.0, 0.0), "state must be an EventState"),
        ((EventState.OPENED, Level.WARNING, 5.0, 3.0), r"t \(3.0\) must not be before"),
        ((EventState.OPENED, Level.WARNING, 0.0, math.nan), "finite stream time"),
    ],
)
def test_alarm_events_refuse_impossible_moments(args: tuple, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        AlarmEvent(*args)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("crowd_density", OPENED, {}), "kind must be an IncidentKind"),
        ((IncidentKind.CROWD_DENSITY, None, {}), "alarm must be an AlarmEvent"),
        ((IncidentKind.CROWD_DENSITY, OPENED, [("count", 1)]), "metrics must be a mapping"),
    ],
)
def test_zone_events_refuse_wrong_parts(args: tuple, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        ZoneEvent(*args)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"camera": "cam 1"}, "Origin.camera must match"),
        ({"site": ""}, "Origin.site must match"),
        ({"zone": "-lane"}, "Origin.zone must match"),
    ],
)
def test_an_origin_is_made_of_identifiers(fields: dict, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        Origin(**({"site": "xitang", "box": "box1", "camera": "cam1"} | fields))


def test_a_camera_origin_names_no_incident_until_it_has_a_zone() -> None:
    cam = Origin("xitang", "box1", "cam1")
    with pytest.raises(ValueError, match="needs a zone"):
        cam.ids()


def test_the_tracker_dates_events_by_stream_time_and_keeps_the_identity() -> None:
    epoch = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    tracker = IncidentTracker(Origin("xitang", "box1", "cam1"), StreamClock.fixed("cam1", epoch))
    opened = tracker.build("lane", "330421101001001", ZoneEvent(IncidentKind.CROWD_DENSITY, OPENED))
    later = AlarmEvent(EventState.CLEARED, Level.WARNING, 10.0, 70.0)
    cleared = tracker.build("lane", "330421101001001", ZoneEvent(IncidentKind.CROWD_DENSITY, later))
    assert (opened.id, opened.seq) == (cleared.id, cleared.seq - 1)
    assert (cleared.zone, cleared.grid_cell, cleared.camera) == ("lane", "330421101001001", "cam1")
    assert cleared.started_at == datetime(2026, 5, 1, 8, 0, 10, tzinfo=UTC)
    assert cleared.observed_at == datetime(2026, 5, 1, 8, 1, 10, tzinfo=UTC)
    cleared.to_payload()


def test_a_stream_clock_without_an_epoch_says_which_camera() -> None:
    with pytest.raises(RuntimeError, match="cam1: stream time has no epoch"):
        StreamClock("cam1", lambda: None).at(1.0)
