"""Camera health on composed timelapses of real footage (``scripts/make_scenario.py``): the plain,
low-texture car park and the busy vtest plaza (Debian opencv-doc), each check with its evidence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
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
