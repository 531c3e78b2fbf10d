"""ConstructionWatch cadence, reference auto-capture, tamper suspension and accept."""

from __future__ import annotations

from datetime import timedelta
from itertools import islice
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from edge_agent.analytics.construction_watch import construction_factory
from edge_agent.analytics.construction_watch.background import Lighting
from edge_agent.analytics.construction_watch.reference import Reference, ReferenceStore
from edge_agent.config.load import parse
from edge_agent.config.models import ConstructionSettings
from edge_agent.contract.incident import EventState, IncidentKind
from edge_agent.detections import Detections
from edge_agent.errors import ModelError
from edge_agent.frames import Frame
from tests.edge_agent.analytics.construction_watch.harness import T0, make_watch


def _frames(shared_data: Path) -> list[np.ndarray]:
    with av.open(str(shared_data / "video" / "one-by-one-person.mp4")) as c:
        return [f.to_ndarray(format="bgr24") for f in islice(c.decode(video=0), 30)]


def _feed(watch, images, start_s: float, step_s: float):
    out = []
    for i, img in enumerate(images):
        pts = start_s + i * step_s
        out += watch.observe(
            Frame("cam1", img, pts, i, True), Detections.empty(), T0 + timedelta(seconds=pts)
        )
    return out


def test_default_cadence_and_reference_time(shared_data: Path, comparator, tmp_path: Path) -> None:
    """Defaults, keyframes every 2 s: the reference takes 9 frames 20 s apart (160 s of stream),
    then one observation (5 keyframes, 8 s) every 900 s."""
    imgs = _frames(shared_data)
    watch = make_watch(tmp_path, None, comparator, ConstructionSettings())
    frames = [imgs[i % len(imgs)] for i in range(600)]  # 1200 s of stream
    assert _feed(watch, frames[:80], 0.0, 2.0) == []
    assert not watch.has_reference  # 0 .. 158 s: 8 frames gathered
    assert _feed(watch, frames[80:81], 160.0, 2.0) == []
    assert watch.has_reference and watch.refs[Lighting.DAY].pts == 160.0
    assert watch.store.load(Lighting.DAY).taken_at == T0 + timedelta(seconds=160)
    assert watch.observations == 0  # the first observation (from 160 s) needs 5 keyframes
    assert _feed(watch, frames[81:], 162.0, 2.0) == []
    assert watch.observations == 2  # gathered from 160 s and 1060 s


def test_moved_camera_suspends_until_accept(shared_data: Path, comparator, tmp_path: Path) -> None:
    settings = ConstructionSettings(background_frames=1, reference_frames=1, observe_every_s=300)
    watch = make_watch(tmp_path, None, comparator, settings)
    view = _frames(shared_data)[0]
    h, w = view.shape[:2]
    moved = cv2.warpAffine(
        view,
        cv2.getRotationMatrix2D((w / 2, h / 2), 12, 1.1),
        (w, h),
        borderMode=cv2.BORDER_REFLECT,
    )
    assert _feed(watch, [view] * 3, 0.0, 300.0) == []
    events = _feed(watch, [moved] * 3, 900.0, 300.0)
    assert [(e.kind, e.state) for e in events] == [(IncidentKind.TAMPER, EventState.OPENED)]
    assert events[0].metrics["reason"].startswith("moved")
    assert watch.suspended
    # The operator accepts the new view as the reference: the tamper incident clears.
    store = ReferenceStore(tmp_path / "baselines", "cam1", "frame")
    store.save(Reference(moved, Lighting.DAY, 1500.0, 1, 100.0), "accept", who="duty-chief")
    cleared = _feed(watch, [moved], 1800.0, 300.0)
    assert [(e.kind, e.state, e.id) for e in cleared] == [
        (IncidentKind.TAMPER, EventState.CLEARED, events[0].id)
    ]
    assert not watch.suspended


def test_flush_runs_the_pending_observation(shared_data: Path, comparator, tmp_path: Path) -> None:
    settings = ConstructionSettings(background_frames=5, reference_frames=1)
    watch = make_watch(tmp_path, None, comparator, settings)
    img = _frames(shared_data)[0]
    _feed(watch, [img, img], 0.0, 2.0)
    assert watch.observations == 0
    assert watch.flush() == [] and watch.observations == 1


@pytest.mark.parametrize(
    ("model", "error"),
    [("models/change_structural.onnx", None), ("models/no-such-comparator.onnx", "not found")],
)
def test_factory_opens_the_configured_comparator(tmp_path: Path, model: str, error) -> None:
    cfg = parse(
        {
            "box": {"site_id": "xitang", "box_id": "box1"},
            "cameras": [{"id": "cam1", "url": "clip.mp4"}],
            "defaults": {"construction": {"model": model}},
        }
    )
    build = construction_factory(tmp_path / "evidence", tmp_path / "baselines")
    if error is None:
        assert build(cfg, cfg.cameras[0], None).comparator.path.name == Path(model).name
    else:
        with pytest.raises(ModelError, match=error):
            build(cfg, cfg.cameras[0], None)
