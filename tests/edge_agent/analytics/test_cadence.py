"""The cadence table (pure) and its config keys."""

from __future__ import annotations

import numpy as np
import pytest

from edge_agent.analytics.cadence import CameraCadence, Decision, changed_fraction, pressure
from edge_agent.config import parse
from edge_agent.config.cadence import CadenceSettings
from edge_agent.config.models import CrowdThresholds
from edge_agent.contract.incident import Level
from edge_agent.errors import ConfigError
from edge_agent.zones.metrics import ZoneMetrics

EMPTY = np.full((432, 768, 3), 90, np.uint8)
SPECK = EMPTY.copy()
SPECK[204:228, 300:396] = 200  # a tiny change: under wake_fraction, above the gate
PERSON = EMPTY.copy()
PERSON[100:300, 300:380] = 10  # someone walks in: far above wake_fraction


def cadence(**keys) -> CameraCadence:
    c = CameraCadence(CadenceSettings(**keys))
    assert c.decide(0.0, EMPTY) is Decision.ANALYSE, "nothing analysed yet"
    return c


@pytest.mark.parametrize(
    ("pressure_at_0", "pts", "image", "expected"),
    [
        (0.0, 1.0, EMPTY, Decision.GATED),  # unchanged: the detections carry over
        (0.0, 1.0, SPECK, Decision.SKIPPED),  # quiet, a little change, not yet due
        (0.3, 5.0, SPECK, Decision.ANALYSE),  # quiet, due (quiet_every_s)
        (0.0, 5.0, SPECK, Decision.SKIPPED),  # an empty lane: due at max_age_s only
        (0.0, 1.0, PERSON, Decision.ANALYSE),  # quiet, much change: woken at once
        (0.6, 1.0, SPECK, Decision.ANALYSE),  # near advisory: every changed keyframe
        (0.6, 1.0, EMPTY, Decision.GATED),
        (0.0, 10.0, EMPTY, Decision.ANALYSE),  # max_age_s: never staler than this
        (0.0, -1.0, SPECK, Decision.ANALYSE),  # the stream jumped back (a looped file)
    ],
)
def test_decision_table(pressure_at_0, pts, image, expected):
    c = cadence(quiet_every_s=5, max_age_s=10, rising_fraction=0.5)  # 0 → 0.3 is not rising
    c.analysed(0.0, EMPTY, {"lane": pressure_at_0})
    assert c.decide(pts, image) is expected


def test_a_rising_zone_is_busy_below_near():
    c = cadence(near_fraction=0.5, rising_fraction=0.2)
    c.analysed(0.0, EMPTY, {"lane": 0.0})
    c.analysed(1.0, EMPTY, {"lane": 0.3})  # +0.3 of advisory since the last: rising
    assert c.decide(2.0, SPECK) is Decision.ANALYSE
    c.analysed(2.0, EMPTY, {"lane": 0.3})  # flat again: quiet
    assert c.decide(3.0, SPECK) is Decision.SKIPPED


WALKED = EMPTY.copy()
WALKED[100:300, 420:500] = 10  # the person of PERSON, a few steps on
ONE_SHARE = 200 * 80 / (432 * 768)  # their box at the last analysis
FEW = WALKED.copy()
FEW[50:400, 0:250] = 200  # a handful more arrive (a quarter of the picture changes)


def test_the_people_counted_walking_about_do_not_wake_a_quiet_camera():
    c = cadence(quiet_every_s=5)
    c.analysed(0.0, PERSON, {"lane": 0.1}, people_share=ONE_SHARE)
    assert c.decide(1.0, WALKED) is Decision.SKIPPED
    assert c.decide(9.0, WALKED) is Decision.SKIPPED  # far below busy: a long quiet period
    assert c.decide(10.0, WALKED) is Decision.ANALYSE  # due all the same


@pytest.mark.parametrize(
    ("lane_pressure", "due_at"),
    [(0.3, 5.0), (0.125, 10.0), (0.2, 6.25), (0.0, 10.0)],
)
def test_the_farther_below_busy_the_longer_the_quiet_period(lane_pressure, due_at):
    c = cadence(quiet_every_s=5, max_age_s=10, rising_fraction=0.5)
    c.analysed(0.0, EMPTY, {"lane": lane_pressure, "bridge": 0.0})
    assert c.decide(due_at - 0.01, SPECK) is Decision.SKIPPED
    assert c.decide(due_at, SPECK) is Decision.ANALYSE


@pytest.mark.parametrize(
    ("lane_pressure", "expected"),
    [
        (0.1, Decision.SKIPPED),  # one person in 15: a handful more is still far from busy
        (0.4, Decision.ANALYSE),  # six in 15: a handful more makes it busy, look now
    ],
)
def test_arrivals_wake_a_quiet_camera_when_they_could_make_it_busy(lane_pressure, expected):
    c = cadence(quiet_every_s=5)
    c.analysed(0.0, PERSON, {"lane": lane_pressure}, people_share=ONE_SHARE)
    assert c.decide(1.0, FEW) is expected


def test_a_crowd_changing_half_the_picture_always_wakes():
    crowd = WALKED.copy()
    crowd[0:432, 0:420] = 200
    c = cadence(quiet_every_s=5)
    c.analysed(0.0, PERSON, {"lane": 0.01}, people_share=ONE_SHARE)
    assert c.decide(1.0, crowd) is Decision.ANALYSE


def test_with_nobody_counted_the_first_arrival_wakes():
    c = cadence(quiet_every_s=5)
    c.analysed(0.0, EMPTY, {"lane": 0.0}, people_share=0.0)
    assert c.decide(1.0, PERSON) is Decision.ANALYSE


def test_adaptive_and_gate_off_analyse_every_keyframe():
    c = cadence(adaptive=False, gate=False)
    c.analysed(0.0, EMPTY, {})
    assert [c.decide(t, im) for t, im in ((1.0, EMPTY), (2.0, SPECK))] == [Decision.ANALYSE] * 2
    assert (c.counts.analysed, c.counts.gated, c.counts.skipped) == (3, 0, 0)


def test_changed_fraction_of_another_size_is_total():
    assert changed_fraction(np.zeros((4, 4)), np.zeros((3, 4)), 16) == 1.0


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [
        (ZoneMetrics("z", 3, None, None, Level.NORMAL, 3.0), 0.5),
        (ZoneMetrics("z", 0, 0.54, "D", Level.NORMAL, 0.2), 0.5),  # density / 1.08
        (ZoneMetrics("z", 0, None, None, Level.ADVISORY, 0.0), 1.0),  # alarmed: at advisory
    ],
)
def test_pressure(metrics, expected):
    assert pressure(metrics, CrowdThresholds(advisory_count=6)) == pytest.approx(expected)


def box(**cadence_keys) -> dict:
    return {
        "box": {"site_id": "s", "box_id": "b"},
        "defaults": {"cadence": {"quiet_every_s": 8}},
        "cameras": [{"id": "c", "url": "x.mp4", "cadence": cadence_keys}],
    }


def test_camera_keys_override_the_defaults():
    cfg = parse(box(gate=False))
    merged = cfg.cadence_for(cfg.cameras[0])
    assert (merged.quiet_every_s, merged.gate, merged.adaptive) == (8, False, True)


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        ({"quiet_every": 3}, ["quiet_every", "cadence"]),
        ({"quiet_every_s": 0}, ["quiet_every_s", "0"]),
        ({"quiet_every_s": 30, "max_age_s": 20}, ["quiet_every_s", "max_age_s", "30"]),
    ],
)
def test_bad_cadence_keys_are_named(keys, words):
    with pytest.raises(ConfigError) as err:
        parse(box(**keys))
    assert all(w in str(err.value) for w in words), str(err.value)


@pytest.mark.parametrize(
    ("lane_pressure", "spare_people", "next_look"),
    [
        (0.0, 7.5, 2.0),  # an empty lane, advisory 15: the reader may skip to 2 s on
        (0.0, 0.5, None),  # an alley that alarms on one person: every keyframe looked at
        (0.6, 0.0, None),  # busy: every keyframe
    ],
)
def test_the_next_look_of_a_quiet_camera(lane_pressure, spare_people, next_look):
    c = cadence(quiet_every_s=5, quiet_look_every_s=2)
    c.analysed(0.0, EMPTY, {"lane": lane_pressure}, spare_people=spare_people)
    assert c.next_look(0.0) == next_look


def test_the_next_look_never_passes_the_due_time_or_the_maximum_age():
    c = cadence(quiet_every_s=3, max_age_s=4, quiet_look_every_s=5, rising_fraction=0.5)
    c.analysed(0.0, EMPTY, {"lane": 0.3}, spare_people=4)  # due at 3 (quiet_every_s)
    assert c.next_look(0.0) == 3.0
    c.carried(2.0, {"lane": 0.3}, spare_people=4)  # gated at 2: due at 5, but 4 is max age
    assert c.next_look(2.0) == 4.0
    assert CameraCadence(CadenceSettings()).next_look(0.0) is None, "nothing analysed yet"


@pytest.mark.parametrize(
    ("spare_people", "at_1", "at_5"),
    [
        (0.5, Decision.ANALYSE, Decision.ANALYSE),  # one arrival from busy: every changed one
        (1.5, Decision.SKIPPED, Decision.ANALYSE),  # two arrivals: quiet, but not stretched
        (7.5, Decision.SKIPPED, Decision.SKIPPED),  # far below: looked at after max_age_s only
    ],
)
def test_an_empty_zone_one_arrival_from_busy_is_busy(spare_people, at_1, at_5):
    """SPECK is a change under wake_fraction: a small far-off person in an empty alley."""
    c = cadence(quiet_every_s=5, max_age_s=10)
    c.analysed(0.0, EMPTY, {"alley": 0.0}, spare_people=spare_people)
    assert c.decide(1.0, SPECK) is at_1
    assert c.decide(5.0, SPECK) is at_5
