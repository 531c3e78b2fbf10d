"""The construction watch on composed timelapses (``scripts/make_scenario.py``) of real footage.

Each scenario is a timelapse: one step every 15 minutes of stream time, a burst of 3 keyframes
2 s apart per step, taken from a random moment of the real clip (its people and cars pass). The real
YOLOX detector masks people and vehicles. Scenarios are written to temporary folders, never the
repo; tests that run the same scenario share one file (``shared_write``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import cv2
import pytest

from edge_agent.config.models import ConstructionSettings
from edge_agent.contract.incident import EventState, IncidentKind
from edge_agent.replay import ReplayOptions, replay_video
from edge_agent.sinks import ListSink
from tests.edge_agent.analytics.construction_watch.harness import (
    TEST_SETTINGS,
    bbox_iou,
    calibrated_zone,
    feed,
    first_image_size,
    make_watch,
    video_frames,
)

STEP_S = 900.0


#: A roof of 6 m2 appearing in the car park under fading light, a sweeping shadow and jitter.
SHED = {
    "source": "car-park.mp4",
    "steps": 11,
    "structure": "test_2_0000_0512",
    "appear_step": 6,
    "area_m2": 6.0,
    "center": (0.5, 0.6),
    "lighting": 0.3,
    "shadow": True,
    "jitter": 1.5,
    "seed": 1,
}


def _write(scenario, tmp_path: Path, name: str, **spec) -> tuple[Path, dict]:
    out = tmp_path / f"{name}.mkv"
    truth = scenario.write(scenario.Spec(out=str(out), step_s=STEP_S, **spec))
    return out, truth


@pytest.fixture(scope="module")
def shared_write(scenario, tmp_path_factory) -> Callable[..., tuple[Path, dict]]:
    """Like ``_write``, but a scenario already written in this module is reused (read-only)."""
    folder = tmp_path_factory.mktemp("scenarios")
    done: dict[str, tuple[Path, dict]] = {}

    def write(name: str, **spec) -> tuple[Path, dict]:
        key = json.dumps(spec, sort_keys=True)
        if key not in done:
            done[key] = _write(scenario, folder, f"{name}-{len(done)}", **spec)
        return done[key]

    return write


def test_harness_writes_minutes_apart_pts_and_ground_truth(scenario, tmp_path: Path) -> None:
    video, truth = _write(
        scenario, tmp_path, "shed", steps=3, structure="test_2_0000_0512", appear_step=1
    )
    pts = [f.pts for f in video_frames(video)]
    assert pts == [0.0, 2.0, 4.0, 900.0, 902.0, 904.0, 1800.0, 1802.0, 1804.0]
    mask = cv2.imread(str(tmp_path / "shed-mask.png"), cv2.IMREAD_GRAYSCALE)
    assert int((mask > 0).sum()) == truth["structure"]["final_area_px"]
    assert truth["structure"]["area_m2"] == pytest.approx(6.0, rel=0.02)


@pytest.mark.parametrize(
    ("source", "levir", "area_m2", "center"),
    [
        ("car-park.mp4", "test_2_0000_0512", 6.0, (0.5, 0.6)),
        ("car-park.mp4", "test_121_0768_0256", 2.5, (0.85, 0.3)),
        ("one-by-one-person.mp4", "test_77_0512_0256", 3.0, (0.35, 0.8)),
    ],
)
def test_new_structure_is_reported_within_three_observations(
    shared_write, comparator, detector, tmp_path: Path, source, levir, area_m2, center
) -> None:
    """Light fading, a sweeping shadow and jitter around a roof that appears at step 6 and stays:
    one incident, opened by the 3rd observation that sees it (3 x 15 min >= the 30 min rule),
    area within 25 % of the ground truth, box on the structure, evidence written."""
    spec = SHED | {"source": source, "structure": levir, "area_m2": area_m2, "center": center}
    video, truth = shared_write("shed", **spec)
    watch = make_watch(tmp_path, calibrated_zone(truth, *first_image_size(video)), comparator)
    run = feed(video_frames(video), watch, detector)
    opened = [i for i in run.incidents if i.state is EventState.OPENED]
    assert [i.kind for i in opened] == [IncidentKind.CONSTRUCTION_CHANGE], run.incidents
    inc = opened[0]
    gt = truth["structure"]
    assert inc.stream_pts <= gt["appear_pts"] + 2 * STEP_S + 10  # 3rd observation at the latest
    assert inc.metrics["area_m2"] == pytest.approx(gt["area_m2"], rel=0.25)
    assert bbox_iou(inc.metrics["bbox"], gt["final_bbox"]) > 0.6
    assert sorted(e.role for e in inc.evidence) == ["after", "before", "mask"]
    assert all((tmp_path / "evidence" / e.name).is_file() for e in inc.evidence)


def test_growing_structure_updates_its_incident(
    scenario, comparator, detector, tmp_path: Path
) -> None:
    video, truth = _write(
        scenario,
        tmp_path,
        "grow",
        steps=13,
        structure="test_2_0000_0512",
        appear_step=5,
        area_m2=4.0,
        grow_step=9,
        grow_factor=1.8,
        jitter=1.0,
        seed=2,
    )
    watch = make_watch(tmp_path, calibrated_zone(truth, *first_image_size(video)), comparator)
    run = feed(video_frames(video), watch, detector)
    events = run.of(IncidentKind.CONSTRUCTION_CHANGE)
    assert [e.state for e in events][:2] == [EventState.OPENED, EventState.UPDATED], events
    assert len({e.id for e in events}) == 1
    assert [e.seq for e in events] == list(range(len(events)))
    grown = events[-1].metrics["area_m2"]
    assert grown == pytest.approx(truth["structure"]["final_area_m2"], rel=0.25)
    assert grown > events[0].metrics["area_m2"] * 1.3


@pytest.mark.parametrize(
    ("source", "seed"),
    [("car-park.mp4", 3), ("one-by-one-person.mp4", 4), ("road.avi", 5), ("highway.avi", 6)],
)
def test_light_shadow_and_jitter_alone_raise_nothing(
    scenario, comparator, detector, tmp_path: Path, source, seed
) -> None:
    """A day fading to dusk, a sweeping building shadow, 2 px jitter, traffic: no incident."""
    video, truth = _write(
        scenario,
        tmp_path,
        "calm",
        source=source,
        steps=12,
        lighting=1.0,
        shadow=True,
        jitter=2.0,
        seed=seed,
    )
    watch = make_watch(tmp_path, calibrated_zone(truth, *first_image_size(video)), comparator)
    run = feed(video_frames(video), watch, detector)
    assert run.observations >= 5
    assert run.incidents == []


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        ("moved", "road.avi"),
        ("covered", "road.avi"),
        ("defocused", "road.avi"),
        ("moved", "one-by-one-person.mp4"),
        ("covered", "one-by-one-person.mp4"),
        ("defocused", "highway.avi"),
    ],
)
def test_tampered_camera_raises_tamper_not_construction(
    scenario, comparator, detector, tmp_path: Path, kind: str, source: str
) -> None:
    """Views with texture to lose (a blank car park gives tamper checks nothing to measure)."""
    video, truth = _write(
        scenario,
        tmp_path,
        kind,
        source=source,
        steps=10,
        tamper=kind,
        tamper_step=6,
        jitter=1.0,
        seed=7,
    )
    watch = make_watch(tmp_path, calibrated_zone(truth, *first_image_size(video)), comparator)
    run = feed(video_frames(video), watch, detector)
    assert run.of(IncidentKind.CONSTRUCTION_CHANGE) == []
    tamper = run.of(IncidentKind.TAMPER)
    assert [t.state for t in tamper] == [EventState.OPENED]
    assert tamper[0].metrics["reason"].startswith(kind)
    assert tamper[0].stream_pts >= truth["tamper"]["pts"]
    assert watch.suspended


def test_large_frames_are_analysed_shrunk_and_reported_in_frame_pixels(
    shared_write, comparator, detector, tmp_path: Path
) -> None:
    """``analysis_max_side`` below the frame size: same structure, box and area in frame terms
    (the scenario of the first new-structure case, shared)."""
    video, truth = shared_write("shed", **SHED)
    settings = TEST_SETTINGS.model_copy(update={"analysis_max_side": 480})
    zone = calibrated_zone(truth, *first_image_size(video))
    run = feed(video_frames(video), make_watch(tmp_path, zone, comparator, settings), detector)
    (inc,) = run.of(IncidentKind.CONSTRUCTION_CHANGE)
    gt = truth["structure"]
    assert inc.metrics["area_m2"] == pytest.approx(gt["area_m2"], rel=0.25)
    assert inc.metrics["area_px"] == pytest.approx(gt["area_px"], rel=0.25)
    assert bbox_iou(inc.metrics["bbox"], gt["final_bbox"]) > 0.6


# -- busy real footage: the vtest plaza (Debian opencv-doc), in both forms a box meets ----------

#: A 6 m2 roof in the middle of the plaza, people crossing all along, light fading, 2 px jitter.
BUSY = {
    "source": "vtest.avi",
    "structure": "test_2_0000_0512",
    "area_m2": 6.0,
    "center": (0.5, 0.6),
    "lighting": 1.0,
    "jitter": 2.0,
    "seed": 1,
}
#: Single snapshots five minutes apart (an NVR's snapshot schedule); the structure at 60 min.
SNAPSHOTS = {"steps": 24, "step_s": 300.0, "burst": 1, "appear_step": 12}
#: Bursts of 3 keyframes every 15 minutes; the structure at 90 min.
BURSTS = {"steps": 11, "step_s": STEP_S, "burst": 3, "appear_step": 6}


def _found_within_three_observations(run, truth, observe_every_s: float) -> None:
    opened = [i for i in run.incidents if i.state is EventState.OPENED]
    assert [i.kind for i in opened] == [IncidentKind.CONSTRUCTION_CHANGE], run.incidents
    gt = truth["structure"]
    assert opened[0].stream_pts <= gt["appear_pts"] + 3 * observe_every_s
    assert opened[0].metrics["area_m2"] == pytest.approx(gt["area_m2"], rel=0.25)
    assert bbox_iou(opened[0].metrics["bbox"], gt["final_bbox"]) > 0.6


def test_busy_snapshots_with_default_settings_find_the_structure(
    scenarios, comparator, detector, tmp_path: Path
) -> None:
    """Snapshots 5 min apart: each observation's background is the median of the newest five
    snapshots (people voted out); observations every 15 min; no false tamper."""
    video, truth = scenarios("busy-snap", **BUSY, **SNAPSHOTS)
    settings = ConstructionSettings()
    zone = calibrated_zone(truth, *first_image_size(video))
    run = feed(video_frames(video), make_watch(tmp_path, zone, comparator, settings), detector)
    assert run.observations >= 5
    _found_within_three_observations(run, truth, settings.observe_every_s)


def test_busy_bursts_find_the_structure(scenarios, comparator, detector, tmp_path: Path) -> None:
    """Bursts of 3 with the default 5-frame backgrounds: each burst is topped up with the 2
    newest frames kept before it (people standing still through a burst are outvoted); the
    reference from 5 steps, as in the other scenarios."""
    video, truth = scenarios("busy-burst", **BUSY, **BURSTS)
    settings = ConstructionSettings(reference_frames=5, reference_spacing_s=600)
    zone = calibrated_zone(truth, *first_image_size(video))
    run = feed(video_frames(video), make_watch(tmp_path, zone, comparator, settings), detector)
    _found_within_three_observations(run, truth, settings.observe_every_s)


def test_busy_snapshots_without_a_structure_raise_nothing(
    scenarios, comparator, detector, tmp_path: Path
) -> None:
    """Light drifting towards dusk and jitter on a crowded plaza: neither moved nor built."""
    video, truth = scenarios("busy-calm", **(BUSY | SNAPSHOTS | {"structure": None, "seed": 2}))
    zone = calibrated_zone(truth, *first_image_size(video))
    watch = make_watch(tmp_path, zone, comparator, ConstructionSettings())
    run = feed(video_frames(video), watch, detector)
    assert run.observations >= 5
    assert run.incidents == []


def test_a_run_that_forms_no_observation_says_why(
    scenarios, comparator, detector, tmp_path, caplog
):
    """Five snapshots: the reference (9 frames) is never complete; the watch says so."""
    short = {"steps": 5, "structure": None, "lighting": 0.0}
    video, truth = scenarios("busy-short", **(BUSY | SNAPSHOTS | short))
    watch = make_watch(tmp_path, None, comparator, ConstructionSettings())
    run = feed(video_frames(video), watch, None)
    assert (run.observations, run.incidents) == (0, [])
    assert watch.notes() == [
        "no observation formed: no reference yet (5 of 9 frames at least 20 s apart; a "
        "reference needs about 3 min of stream)"
    ]
    assert watch.notes()[0] in caplog.text
    # and the replay summary carries it
    options = ReplayOptions(analytics=None, baseline_dir=tmp_path / "replay-baselines")
    summary = replay_video(video, None, None, ListSink(), detector, options)
    assert summary.notes == [f"construction_watch frame: {watch.notes()[0]}"]


@pytest.mark.parametrize("kind", ["moved", "covered", "defocused"])
def test_plain_view_tamper_raises_tamper_never_construction(
    scenarios, comparator, detector, tmp_path: Path, kind: str
) -> None:
    """The top-down car park, little texture: the camera-health checks carry the verdict."""
    video, truth = scenarios(
        "plain",
        source="car-park.mp4",
        steps=10,
        step_s=STEP_S,
        tamper=kind,
        tamper_step=6,
        jitter=1.0,
        seed=7,
    )
    watch = make_watch(tmp_path, calibrated_zone(truth, *first_image_size(video)), comparator)
    run = feed(video_frames(video), watch, detector)
    assert run.of(IncidentKind.CONSTRUCTION_CHANGE) == []
    tamper = run.of(IncidentKind.TAMPER)
    assert [(t.state, t.metrics["check"]) for t in tamper] == [(EventState.OPENED, kind)]
    assert tamper[0].stream_pts >= truth["tamper"]["pts"]
