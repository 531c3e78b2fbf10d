"""Camera health on composed timelapses of real footage (``scripts/make_scenario.py``): the plain,
low-texture car park and the busy vtest plaza (Debian opencv-doc), each check with its evidence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import numpy as np
import pytest

from edge_agent.analytics.base import Setup
from edge_agent.analytics.camera_health import CameraHealthRunner
from edge_agent.config.load import parse
from edge_agent.config.models import AgentConfig
from edge_agent.contract.incident import EventState, Incident, IncidentKind
from edge_agent.frames import Frame
from edge_agent.incidents.evidence import EvidenceStore
from edge_agent.incidents.origin import Origin, StreamClock

T0 = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
CELL = "330421101001001"
#: Bursts of 3 frames every 15 min; the healthy view is learnt from 4 steps (people voted out).
HEALTH = {"every_s": 1, "reference_frames": 4, "reference_spacing_s": 600}
PLAIN = {"source": "car-park.mp4", "steps": 10, "step_s": 900.0, "jitter": 1.0, "seed": 7}
BUSY_SNAPSHOTS = {"source": "vtest.avi", "steps": 24, "step_s": 300.0, "burst": 1, "seed": 3}


def config(tmp_path: Path, health: dict) -> AgentConfig:
    zone = {"id": "floor", "kind": "square", "grid_cell": CELL, "polygon": [[0, 0], [9, 0], [9, 9]]}
    cam = {"id": "cam1", "url": "x.mp4", "zones": [zone], "health": health}
    return parse({"box": {"site_id": "xitang", "box_id": "b1"}, "cameras": [cam]})


def frames(path: Path) -> Iterator[Frame]:
    with av.open(str(path)) as c:
        for i, f in enumerate(c.decode(video=0)):
            yield Frame("cam1", f.to_ndarray(format="bgr24"), float(f.time), i, f.key_frame)


def run_health(video: Path, tmp_path: Path, health: dict = HEALTH) -> list[Incident]:
    cfg = config(tmp_path, health)
    evidence = EvidenceStore(tmp_path / "evidence", max_bytes=400_000)
    cam = cfg.cameras[0]
    setup = Setup(
        cfg, cam, Origin.of_camera(cfg, cam.id), StreamClock.fixed(cam.id, T0), evidence, tmp_path
    )
    runner = CameraHealthRunner(setup, cfg.health_for(cam))
    out: list[Incident] = []
    for f in frames(video):
        out += runner.observe(f, None, T0 + timedelta(seconds=f.pts))  # type: ignore[arg-type]
    for inc in out:
        inc.to_payload()  # every event satisfies the contract
    return out


@pytest.mark.parametrize("kind", ["moved", "covered", "defocused", "black", "blank", "frozen"])
def test_plain_view_tamper_is_found_with_its_check_and_evidence(scenarios, tmp_path, kind) -> None:
    video, truth = scenarios("plain", **PLAIN, tamper=kind, tamper_step=6)
    events = run_health(video, tmp_path)
    assert [(e.kind, e.state) for e in events] == [(IncidentKind.TAMPER, EventState.OPENED)]
    opened = events[0]
    assert opened.metrics["check"] == kind
    assert opened.metrics["reason"].startswith(kind)
    assert opened.zone == "camera-health" and opened.grid_cell == CELL
    assert truth["tamper"]["pts"] <= opened.stream_pts <= truth["tamper"]["pts"] + 900 + 10
    assert sorted(e.role for e in opened.evidence) == ["after", "before"]
    assert all((tmp_path / "evidence" / e.name).is_file() for e in opened.evidence)


def test_busy_snapshots_with_light_drift_and_jitter_are_healthy(scenarios, tmp_path) -> None:
    """People crossing a plaza, a day fading towards dusk, 2 px jitter: no tamper."""
    video, _ = scenarios("busy", **BUSY_SNAPSHOTS, lighting=1.0, jitter=2.0)
    assert run_health(video, tmp_path, {"every_s": 1, "reference_frames": 4}) == []


def test_busy_snapshots_moved_camera_is_found(scenarios, tmp_path) -> None:
    video, truth = scenarios(
        "busy", **BUSY_SNAPSHOTS, lighting=0.5, jitter=1.5, tamper="moved", tamper_step=14
    )
    events = run_health(video, tmp_path, {"every_s": 1, "reference_frames": 4})
    assert [(e.state, e.metrics["check"]) for e in events] == [(EventState.OPENED, "moved")]
    assert events[0].stream_pts <= truth["tamper"]["pts"] + 2 * 300


def test_a_view_restored_clears_the_tamper(scenarios, tmp_path) -> None:
    """Covered, then uncovered: opened, then cleared after twice as many good checks."""
    video, truth = scenarios("plain", **PLAIN, tamper="covered", tamper_step=6)
    healthy, _ = scenarios("plain", **PLAIN)
    # the same runner sees the covered file and then the healthy one again, pts continued
    cfg = config(tmp_path, HEALTH)
    cam = cfg.cameras[0]
    setup = Setup(
        cfg, cam, Origin.of_camera(cfg, cam.id), StreamClock.fixed(cam.id, T0), None, tmp_path
    )
    runner = CameraHealthRunner(setup, cfg.health_for(cam))
    out: list[Incident] = []
    for offset, path in ((0.0, video), (9000.0, healthy)):
        for f in frames(path):
            f = Frame("cam1", f.image, f.pts + offset, f.index, True)
            out += runner.observe(f, None, T0 + timedelta(seconds=f.pts))  # type: ignore[arg-type]
    assert [e.state for e in out] == [EventState.OPENED, EventState.CLEARED]
    assert out[1].metrics["reason"].startswith("view restored (covered")


def test_off_when_the_camera_says_so(tmp_path) -> None:
    cfg = config(tmp_path, {"enabled": False})
    assert cfg.health_for(cfg.cameras[0]) is None


def test_the_frames_kept_for_the_before_picture_are_compressed(shared_data, tmp_path) -> None:
    """A learnt camera keeps 9 + up to 9 frames for its evidence: raw 640x360 BGR that was
    ~12 MB per camera; what is kept must stay near 1 MB, and still make the picture."""
    health = {"every_s": 1, "reference_frames": 9, "reference_spacing_s": 1}
    cfg = config(tmp_path, health)
    cam = cfg.cameras[0]
    evidence = EvidenceStore(tmp_path / "evidence", max_bytes=400_000)
    setup = Setup(
        cfg, cam, Origin.of_camera(cfg, cam.id), StreamClock.fixed(cam.id, T0), evidence, tmp_path
    )
    runner = CameraHealthRunner(setup, cfg.health_for(cam))
    for f in list(frames(shared_data / "video/one-by-one-person.mp4"))[:170:10]:  # 17 frames
        runner.observe(f, None, T0 + timedelta(seconds=f.pts))  # type: ignore[arg-type]
    st = runner.st
    assert st.baseline is not None and len(st.reference_set) == 9 and len(st.pictures) == 8
    kept = sum(memoryview(p).nbytes for p in st.reference_set + st.pictures)
    assert kept < 1_500_000, f"{kept} bytes of pictures kept for one camera"
    black = Frame("cam1", np.zeros((432, 768, 3), np.uint8), 500.0, 999, True)
    for i in range(cfg.health_for(cam).tamper_observations):
        out = runner.observe(black, None, T0 + timedelta(seconds=500 + i))  # type: ignore[arg-type]
    assert [e.state for e in out] == [EventState.OPENED]
    assert st.reference is not None and st.reference.shape == (360, 640, 3)
