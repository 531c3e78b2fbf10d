"""The camera pipeline runs what the zones (and the camera) ask for, on real frames."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from edge_agent.analytics.base import CAMERA_KEY
from edge_agent.analytics.camera_health import ANALYTIC as CAMERA_HEALTH
from edge_agent.analytics.camera_health import HEALTH_ZONE
from edge_agent.config.load import parse
from edge_agent.config.models import AgentConfig, ModelConfig
from edge_agent.contract.incident import EventState, IncidentKind
from edge_agent.detect.detector import PROJECT_ROOT, build_detector
from edge_agent.frames import Frame
from edge_agent.incidents.origin import StreamClock
from edge_agent.pipeline import CameraPipeline, Services
from edge_agent.sinks import ListSink
from tests.edge_agent.helpers import WHOLE_FRAME

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
CELL = "330421101001001"
#: A check every 5 min, the healthy view from the first frame, tamper after two bad checks; the
#: test repeats one picture, which a real stream never does: frozen is left out of it.
QUICK_HEALTH = {"every_s": 300, "reference_frames": 1, "frozen_after_s": 1e9}


@pytest.fixture(scope="module")
def detector():
    return build_detector(ModelConfig(), PROJECT_ROOT)


@pytest.fixture(scope="module")
def view(shared_data: Path) -> np.ndarray:
    with av.open(str(shared_data / "video" / "one-by-one-person.mp4")) as c:
        return next(islice(c.decode(video=0), 0, None)).to_ndarray(format="bgr24")


def crowd_camera(tmp_path: Path, health: dict | None) -> AgentConfig:
    cam: dict = {
        "id": "room",
        "url": "room.mp4",
        "zones": [{"id": "floor", "kind": "square", "grid_cell": CELL, "polygon": WHOLE_FRAME}],
    }
    if health is not None:
        cam["health"] = health
    return parse(
        {
            "box": {"site_id": "xitang", "box_id": "box-07"},
            "baseline_dir": str(tmp_path / "baselines"),
            "cameras": [cam],
        }
    )


def pipeline(cfg: AgentConfig, detector, sink: ListSink) -> CameraPipeline:
    clock = StreamClock.fixed("room", T0)
    return CameraPipeline(cfg, cfg.cameras[0], detector, sink, clock, Services())


def moved(view: np.ndarray) -> np.ndarray:
    h, w = view.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), 12, 1.1)
    return cv2.warpAffine(view, turn, (w, h), borderMode=cv2.BORDER_REFLECT)


def run(p: CameraPipeline, images: list[np.ndarray], step_s: float):
    return [p.process(Frame("room", img, i * step_s, i, True)) for i, img in enumerate(images)]


def test_camera_health_raises_tamper_on_a_crowd_only_camera(tmp_path, detector, view) -> None:
    sink = ListSink()
    p = pipeline(crowd_camera(tmp_path, QUICK_HEALTH), detector, sink)
    results = run(p, [view] * 3 + [moved(view)] * 3, 300.0)
    assert all("floor" in r.zones for r in results)  # the crowd zone is counted all along
    tamper = [i for i in sink.events if i.kind is IncidentKind.TAMPER]
    assert [(i.state, i.zone, i.grid_cell) for i in tamper] == [
        (EventState.OPENED, HEALTH_ZONE, CELL)
    ]
    assert tamper[0].metrics["reason"].startswith("moved")
    assert tamper[0].observed_at == datetime(2026, 5, 1, 9, 20, tzinfo=UTC)  # stream time 1200 s
    tamper[0].to_payload()  # satisfies the contract


def test_with_health_off_a_crowd_camera_stays_as_it_was(tmp_path, detector, view) -> None:
    sink = ListSink()
    p = pipeline(crowd_camera(tmp_path, {"enabled": False}), detector, sink)
    run(p, [view] * 3 + [moved(view)] * 3, 300.0)
    assert [i for i in sink.events if i.kind is IncidentKind.TAMPER] == []
    assert p.runners("camera_health") == {}
    assert not (tmp_path / "baselines").exists()  # no reference kept for an analytic that is off


class Recording:
    """A runner that notes the stream times it is called at."""

    def __init__(self) -> None:
        self.pts: list[float] = []

    def observe(self, frame, detections, observed_at) -> list:
        self.pts.append(frame.pts)
        return []

    def flush(self) -> list:
        return []

    def apply_config(self, cfg) -> None:
        pass


def test_a_runner_is_called_at_its_analytics_cadence_in_stream_time(tmp_path, detector, view):
    cfg = crowd_camera(tmp_path, {"every_s": 10})
    p = pipeline(cfg, detector, ListSink())
    rec = Recording()
    p.add_runner(CAMERA_HEALTH, CAMERA_KEY, rec)  # in place of the real one
    run(p, [view] * 20, 2.0)  # 0 .. 38 s of stream
    assert rec.pts == [0.0, 10.0, 20.0, 30.0]
