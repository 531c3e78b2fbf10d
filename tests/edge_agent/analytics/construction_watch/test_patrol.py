"""The daily patrol's rules (``construction_watch/patrol.py``): window edges, day rollover, the
box's time zone, days missed, and the verdict from the zone's open construction changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from edge_agent.analytics.construction_watch.patrol import (
    RULES,
    Action,
    Due,
    OpenChanges,
    PatrolClock,
    Phase,
    Window,
    patrol_incident,
    verdict_of,
)
from edge_agent.contract import validate_incident
from edge_agent.contract.incident import EventState, Incident, IncidentKind, Level, new_id
from edge_agent.contract.patrol import PlaceKind, Verdict, WatchedPlace
from edge_agent.incidents.origin import Origin

SHANGHAI = ZoneInfo("Asia/Shanghai")
WINDOW = Window.of("09:00-11:00")


def local(day: int, hh: int, mm: int = 0, ss: int = 0, tz: ZoneInfo = SHANGHAI) -> datetime:
    """A time on day ``day`` of February 2026, box local time."""
    return datetime(2026, 2, day, hh, mm, ss, tzinfo=tz)


def settle(clock: PatrolClock, *times: datetime) -> list[tuple[str, str]]:
    out = []
    for t in times:
        out += [(d.day.isoformat(), d.action.value) for d in clock.step(t).dues]
    return out


def test_every_phase_has_a_rule():
    assert set(RULES) == set(Phase)
    assert RULES[Phase.IN] is Action.CHECK and RULES[Phase.AFTER] is Action.MISSED


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (local(16, 8, 59, 59), []),  # a second before the window: wait
        (local(16, 9, 0, 0), [("2026-02-16", "check")]),  # the start is inside
        (local(16, 10, 59, 59), [("2026-02-16", "check")]),
        (local(16, 11, 0, 0), []),  # the end is outside; a box that starts then missed nothing
    ],
)
def test_window_edges_of_the_first_frame(at, expected):
    assert settle(PatrolClock(WINDOW, SHANGHAI), at) == expected


def test_one_check_per_day_on_the_first_frame_in_the_window():
    clock = PatrolClock(WINDOW, SHANGHAI)
    frames = [local(16, h, m) for h in (7, 8, 9, 10, 11) for m in (0, 30)]
    assert settle(clock, *frames) == [("2026-02-16", "check")]
    assert settle(clock, local(17, 9, 45), local(17, 10)) == [("2026-02-17", "check")]


def test_day_rollover_reports_a_day_without_frames_in_its_window():
    """Frames before and after the window but none in it: the camera was down for the patrol."""
    clock = PatrolClock(WINDOW, SHANGHAI)
    assert settle(clock, local(16, 9, 30), local(17, 8, 0)) == [("2026-02-16", "check")]
    assert settle(clock, local(17, 11, 0)) == [("2026-02-17", "missed")]
    assert settle(clock, local(17, 23, 59), local(18, 0, 1)) == []
    assert settle(clock, local(18, 9, 0)) == [("2026-02-18", "check")]


def test_a_jump_over_days_misses_each_of_them_in_order():
    clock = PatrolClock(WINDOW, SHANGHAI)
    settle(clock, local(16, 9, 30))
    assert settle(clock, local(19, 10, 0)) == [
        ("2026-02-17", "missed"),
        ("2026-02-18", "missed"),
        ("2026-02-19", "check"),
    ]
    assert settle(clock, local(21, 12, 0)) == [("2026-02-20", "missed"), ("2026-02-21", "missed")]


def test_a_long_outage_reports_at_most_max_missed_days():
    clock = PatrolClock(WINDOW, SHANGHAI, max_missed=3)
    settle(clock, local(1, 9, 30))
    step = clock.step(local(28, 9, 30))
    assert [(d.day.day, d.action) for d in step.dues] == [
        (25, Action.MISSED),
        (26, Action.MISSED),
        (27, Action.MISSED),
        (28, Action.CHECK),
    ]
    assert step.skipped == 23  # the 2nd to the 24th
    assert clock.settled == date(2026, 2, 28)


def test_stream_times_in_utc_are_dated_in_the_box_time_zone():
    """01:30 UTC is 09:30 in Shanghai; 23:30 UTC on the 15th is 07:30 on the 16th there."""
    clock = PatrolClock(WINDOW, SHANGHAI)
    assert settle(clock, datetime(2026, 2, 15, 23, 30, tzinfo=UTC)) == []
    assert settle(clock, datetime(2026, 2, 16, 1, 30, tzinfo=UTC)) == [("2026-02-16", "check")]
    # the same instants, patrolled in Berlin's morning, are the night before there
    berlin = PatrolClock(WINDOW, ZoneInfo("Europe/Berlin"))
    assert settle(berlin, datetime(2026, 2, 16, 1, 30, tzinfo=UTC)) == []
    assert settle(berlin, datetime(2026, 2, 16, 8, 30, tzinfo=UTC)) == [("2026-02-16", "check")]


def test_the_window_is_local_time_across_a_summer_time_change():
    """Berlin springs forward on 29 March 2026: 09:00 local is 08:00 UTC before, 07:00 after."""
    berlin = ZoneInfo("Europe/Berlin")
    clock = PatrolClock(WINDOW, berlin)
    assert settle(clock, datetime(2026, 3, 28, 8, 0, tzinfo=UTC)) == [("2026-03-28", "check")]
    assert settle(clock, datetime(2026, 3, 29, 6, 59, tzinfo=UTC)) == []
    assert settle(clock, datetime(2026, 3, 29, 7, 0, tzinfo=UTC)) == [("2026-03-29", "check")]


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        PatrolClock(WINDOW, SHANGHAI).step(datetime(2026, 2, 16, 9, 30))


@pytest.mark.parametrize("text", ["11:00-09:00", "09:00-09:00", "9:00-11:00", "09:00"])
def test_a_bad_window_is_refused(text):
    with pytest.raises(ValueError, match="window"):
        Window.of(text)


WHERE = Origin("xitang", "box-01", "build-01").in_zone("household", "330421101002005")
PLACE = WatchedPlace(PlaceKind.STOP_WORK_HOUSEHOLD, "西塘违建〔2026〕12号")


def change(state: EventState, incident_id: str, seq: int = 0, **metrics) -> Incident:
    t = local(16, 8)
    return Incident(
        id=incident_id,
        seq=seq,
        **WHERE.ids(),
        kind=IncidentKind.CONSTRUCTION_CHANGE,
        level=Level.WARNING,
        state=state,
        started_at=t,
        observed_at=t,
        metrics={"bbox": [1.0, 2.0, 30.0, 40.0], "area_px": 900} | metrics,
    )


def test_open_changes_follow_the_watch_events():
    changes, a, b = OpenChanges(), new_id(), new_id()
    changes.follow([change(EventState.OPENED, a), change(EventState.OPENED, b)])
    assert changes.latest()[0] == b  # type: ignore[index]
    changes.follow([change(EventState.UPDATED, a, 1, area_px=1500)])
    assert changes.latest() == (a, {"bbox": [1.0, 2.0, 30.0, 40.0], "area_px": 1500})
    changes.follow([change(EventState.CLEARED, a, 2), change(EventState.CLEARED, b, 1)])
    assert changes.latest() is None


@pytest.mark.parametrize(
    ("action", "opened", "tampered", "verdict"),
    [
        (Action.CHECK, False, None, Verdict.UNCHANGED),
        (Action.CHECK, True, None, Verdict.CHANGED),
        (Action.CHECK, True, "covered: edges lost", Verdict.CAMERA_DOWN),
        (Action.MISSED, True, None, Verdict.CAMERA_DOWN),
    ],
)
def test_verdicts_and_their_payloads_follow_the_schema(action, opened, tampered, verdict):
    changes, change_id = OpenChanges(), new_id()
    if opened:
        changes.follow([change(EventState.OPENED, change_id)])
    reference_at = local(15, 7, 31)
    day = Due(date(2026, 2, 16), action)
    check, metrics = verdict_of(day, WINDOW, changes, reference_at, tampered)
    assert check.verdict is verdict
    assert check.change_id == (change_id if verdict is Verdict.CHANGED else None)
    if verdict is Verdict.CHANGED:
        assert metrics["bbox"] == [1.0, 2.0, 30.0, 40.0] and metrics["area_px"] == 900
    inc = patrol_incident(WHERE, PLACE, (check, metrics), (local(16, 9, 5), 5400.0))
    payload = inc.to_payload()
    validate_incident(payload)
    assert payload["patrol"]["day"] == "2026-02-16"
    assert payload["patrol"]["window"] == "09:00-11:00"
    assert payload["watched_place"] == {
        "kind": "stop_work_household",
        "case_number": "西塘违建〔2026〕12号",
    }
    assert (payload["level"], payload["state"], payload["seq"]) == ("info", "opened", 0)


def test_each_patrol_check_is_an_incident_of_its_own():
    check = verdict_of(Due(date(2026, 2, 16), Action.CHECK), WINDOW, OpenChanges(), None)
    at = (local(16, 9, 5), 5400.0)
    ids = {patrol_incident(WHERE, PLACE, check, at).id for _ in range(3)}
    assert len(ids) == 3
    assert check[1]["reason"].startswith("no reference yet")
