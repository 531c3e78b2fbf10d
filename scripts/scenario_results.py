"""Found / missed / false of the construction watch and camera health on composed scenarios.

Busy real footage (vtest.avi, Debian opencv-doc) in both forms a box meets, bursts every 15 min
and single snapshots 5 min apart, with light drifting towards dusk and jitter; and the plain,
low-texture car park (``../shared/data/video``) moved, covered, defocused, black, blank, frozen.
People and vehicles are masked by YOLOX-nano (``../shared/data/models/yolox_nano.onnx``).

Usage::

    PYTHONPATH=. .venv/bin/python scripts/scenario_results.py [--out /tmp/scenarios]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av

from edge_agent.analytics.base import Setup
from edge_agent.analytics.camera_health import CameraHealthRunner
from edge_agent.analytics.construction_watch.runner import comparator_for
from edge_agent.analytics.construction_watch.watch import ConstructionWatch
from edge_agent.config.load import parse
from edge_agent.config.models import ConstructionSettings, ModelConfig, ModelKind, ZoneConfig
from edge_agent.contract.incident import EventState, Incident, IncidentKind
from edge_agent.detect.detector import build_detector
from edge_agent.detections import Detections
from edge_agent.frames import Frame
from edge_agent.incidents.origin import Origin, StreamClock

REPO = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
BUSY = {"source": "vtest.avi", "lighting": 1.0, "jitter": 2.0, "seed": 1}
ROOF = {"structure": "test_2_0000_0512", "area_m2": 6.0, "center": (0.5, 0.6)}
SNAP = {"steps": 24, "step_s": 300.0, "burst": 1, "appear_step": 12}
BURST = {"steps": 11, "step_s": 900.0, "burst": 3, "appear_step": 6}
PLAIN = {"source": "car-park.mp4", "steps": 10, "step_s": 900.0, "jitter": 1.0, "seed": 7}
WATCH_REF = {"reference_frames": 5, "reference_spacing_s": 600}
HEALTH = {"every_s": 1, "reference_frames": 4, "reference_spacing_s": 600}

#: (case, analytic, scenario spec, settings)
CASES = [
    ("busy snapshots + structure", "construction", BUSY | ROOF | SNAP, {}),
    ("busy snapshots, nothing new", "construction", BUSY | SNAP | {"seed": 2}, {}),
    ("busy bursts + structure", "construction", BUSY | ROOF | BURST, WATCH_REF),
    ("busy bursts, nothing new", "construction", BUSY | BURST | {"seed": 2}, WATCH_REF),
    ("busy snapshots, nothing new", "health", BUSY | SNAP | {"seed": 3}, HEALTH),
    (
        "busy snapshots, moved",
        "health",
        BUSY | SNAP | {"tamper": "moved", "tamper_step": 14},
        HEALTH,
    ),
    *[
        (
            f"plain view, {k}",
            "construction",
            PLAIN | {"tamper": k, "tamper_step": 6},
            WATCH_REF | {"background_frames": 3, "observe_every_s": 300},
        )
        for k in ("moved", "covered", "defocused")
    ],
    ("plain view, nothing new", "health", PLAIN, HEALTH),
    *[
        (f"plain view, {k}", "health", PLAIN | {"tamper": k, "tamper_step": 6}, HEALTH)
        for k in ("moved", "covered", "defocused", "black", "blank", "frozen")
    ],
]


def _module():
    spec = importlib.util.spec_from_file_location(
        "make_scenario", REPO / "scripts" / "make_scenario.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_scenario"] = module
    spec.loader.exec_module(module)
    return module


def _frames(path: Path):
    with av.open(str(path)) as c:
        for i, f in enumerate(c.decode(video=0)):
            yield Frame("cam1", f.to_ndarray(format="bgr24"), float(f.time), i, True)


def _zone(truth: dict, w: int, h: int) -> ZoneConfig:
    poly = [(0.0, 0.0), (w - 1.0, 0.0), (w - 1.0, h - 1.0), (0.0, h - 1.0)]
    return ZoneConfig(
        id="z",
        kind="construction_watch",
        polygon=poly,
        grid_cell="330421101001001",
        calibration=truth["calibration"],
    )


def _runner(kind: str, settings: dict, truth: dict, frame: Frame, tmp: Path):
    if kind == "construction":
        s = ConstructionSettings(**settings)
        zone = _zone(truth, frame.width, frame.height)
        return ConstructionWatch("x", "b", "cam1", zone, s, comparator_for(s.model), None, tmp)
    cfg = parse(
        {
            "box": {"site_id": "x", "box_id": "b"},
            "cameras": [{"id": "cam1", "url": "x.mp4", "health": settings}],
        }
    )
    cam = cfg.cameras[0]
    setup = Setup(cfg, cam, Origin.of_camera(cfg, cam.id), StreamClock.fixed(cam.id, T0), None, tmp)
    return CameraHealthRunner(setup, cfg.health_for(cam))


def _score(truth: dict, opened: list[Incident]) -> tuple[str, str]:
    want = (
        IncidentKind.TAMPER
        if truth["tamper"]
        else IncidentKind.CONSTRUCTION_CHANGE
        if truth["structure"]
        else None
    )
    hits = [i for i in opened if i.kind is want]
    false = len(opened) - (1 if hits else 0)
    if want is None:
        return ("ok" if not opened else f"{false} false"), ""
    t0 = (truth["tamper"] or truth["structure"])["pts" if truth["tamper"] else "appear_pts"]
    if not hits:
        return "missed" + (f", {false} false" if false else ""), ""
    hit = hits[0]
    detail = f"after {(hit.stream_pts or 0) - t0:.0f} s"
    if want is IncidentKind.CONSTRUCTION_CHANGE:
        detail += (
            f", area {hit.metrics['area_m2']:.2f} m2 (truth {truth['structure']['area_m2']:.2f})"
        )
    else:
        detail += f", check {hit.metrics.get('check')}"
    return "found" + (f", {false} false" if false else ""), detail


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="scenarios-")))
    args = p.parse_args(argv)
    ms = _module()
    det = build_detector(
        ModelConfig(
            path=str(ms.DATA / "models" / "yolox_nano.onnx"),
            kind=ModelKind.YOLOX,
            classes=[0, 1, 2, 3, 5, 7],
            confidence=0.3,
            threads=1,
        ),
        REPO,
    )
    print(f"{'case':34} {'analytic':12} {'result':16} detail")
    for n, (case, kind, spec, settings) in enumerate(CASES):
        out = args.out / f"case-{n}.mkv"
        truth = ms.write(ms.Spec(out=str(out), **spec))
        tmp = Path(tempfile.mkdtemp(dir=args.out))
        runner, opened = None, []
        for f in _frames(out):
            runner = runner or _runner(kind, settings, truth, f, tmp)
            dets = det.detect(f.image) if kind == "construction" else Detections.empty()
            opened += [
                i
                for i in runner.observe(f, dets, T0 + timedelta(seconds=f.pts))
                if i.state is EventState.OPENED
            ]
        if runner is not None:
            opened += [i for i in runner.flush() if i.state is EventState.OPENED]
        result, detail = _score(truth, opened)
        print(f"{case:34} {kind:12} {result:16} {detail}", flush=True)


if __name__ == "__main__":
    main()
