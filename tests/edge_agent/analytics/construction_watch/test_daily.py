"""The construction runner of a watched place (``runner.py`` + ``daily.py``) on a real aerial view
(a LEVIR image): the day's patrol with its pictures, and config changes taken live."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import pytest

from edge_agent.analytics.construction_watch import construction_factory
from edge_agent.config import parse
from edge_agent.contract.incident import IncidentKind
from edge_agent.contract.patrol import PlaceKind, Verdict
from edge_agent.detections import Detections
from edge_agent.frames import Frame

SHANGHAI = ZoneInfo("Asia/Shanghai")
EPOCH = datetime(2026, 2, 16, 8, 0, tzinfo=SHANGHAI)  # pts 0


def _raw(tmp_path: Path, **zone) -> dict:
    return {
        "box": {"site_id": "xitang", "box_id": "box-01"},
        "baseline_dir": str(tmp_path / "baselines"),
        "defaults": {"construction": {"reference_frames": 1, "background_frames": 1}},
        "cameras": [
            {
                "id": "build-01",
                "url": "x.mp4",
                "zones": [
                    {
                        "id": "point",
                        "kind": "construction_watch",
                        "grid_cell": "330421101002005",
                        "polygon": [[40, 40], [200, 40], [200, 160], [40, 160]],
                    }
                    | zone
                ],
            }
        ],
    }


@pytest.fixture
def view(shared_data: Path):
    image = cv2.imread(str(shared_data / "change/levir/A/test_2_0000_0512.png"))
    assert image is not None
    return image


def _feed(runner, image, hours: float) -> list:
    pts = hours * 3600
    frame = Frame("build-01", image, pts)
    return runner.observe(frame, Detections.empty(), EPOCH + timedelta(seconds=pts))


def test_the_days_patrol_carries_the_zone_crop_of_frame_and_reference(tmp_path, view):
    raw = _raw(tmp_path, watched_place={"kind": "control_point"})
    cfg = parse(raw)
    camera = cfg.cameras[0]
    runner = construction_factory(tmp_path / "evidence")(cfg, camera, camera.zones[0])
    assert _feed(runner, view, 0.0) == []  # 08:00: the reference is taken, the window not open
    (check,) = _feed(runner, view, 1.0)  # 09:00
    assert check.kind is IncidentKind.PATROL_CHECK
    assert check.watched_place.kind is PlaceKind.CONTROL_POINT  # type: ignore[union-attr]
    assert check.patrol.verdict is Verdict.UNCHANGED  # type: ignore[union-attr]
    assert check.patrol.reference_at is not None  # type: ignore[union-attr]
    crops = {e.role: cv2.imread(str(tmp_path / "evidence" / e.name)) for e in check.evidence}
    assert set(crops) == {"after", "before"}
    # the zone's 160x120 px box with some context, not the whole 256x256 view
    h, w = crops["after"].shape[:2]
    assert crops["before"].shape == crops["after"].shape
    assert 160 < w < 256 and 120 < h < 256
    assert _feed(runner, view, 1.5) == []  # one a day


def test_a_changed_config_moves_the_window_and_can_end_the_patrol(tmp_path, view):
    raw = _raw(tmp_path, watched_place={"kind": "construction_hotspot"})
    cfg = parse(raw)
    camera = cfg.cameras[0]
    runner = construction_factory(None)(cfg, camera, camera.zones[0])
    _feed(runner, view, 0.0)
    assert [i.patrol.day.day for i in _feed(runner, view, 1.0)] == [16]  # type: ignore[union-attr]
    raw["cameras"][0]["zones"][0]["patrol"] = {"window": "10:00-12:00"}
    runner.apply_config(parse(raw))
    assert _feed(runner, view, 24 + 1.5) == []  # the 17th, 09:30: before the new window
    (check,) = _feed(runner, view, 24 + 2.0)
    assert check.patrol.window == "10:00-12:00" and check.patrol.day.day == 17  # type: ignore[union-attr]
    del raw["cameras"][0]["zones"][0]["patrol"]
    del raw["cameras"][0]["zones"][0]["watched_place"]
    runner.apply_config(parse(raw))
    assert runner.patrol is None
    assert _feed(runner, view, 48 + 1.0) == []
