"""Helpers of the construction-watch tests: scenario zones, a loop feeding a video to a watch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av

from edge_agent.analytics.construction_watch.comparator import Comparator
from edge_agent.analytics.construction_watch.watch import ConstructionWatch
from edge_agent.config.models import ConstructionSettings, ZoneConfig
from edge_agent.contract.incident import Incident, IncidentKind
from edge_agent.detect.detector import Detector
from edge_agent.detections import Detections
from edge_agent.frames import Frame
from edge_agent.incidents.evidence import EvidenceStore

T0 = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
GRID = "330421101001001"

#: Settings of every scenario run: a burst of 3 keyframes is one observation, every timelapse step
#: (10 or 15 min) one; the reference is the median of the first frame of 5 timelapse steps (so
#: passing cars do not stay in it).
TEST_SETTINGS = ConstructionSettings(
    background_frames=3, reference_frames=5, reference_spacing_s=600, observe_every_s=300
)


def calibrated_zone(truth: dict, width: int, height: int) -> ZoneConfig:
    """A construction-watch zone over the whole view with the scenario's ground calibration."""
    poly = [(0.0, 0.0), (width - 1.0, 0.0), (width - 1.0, height - 1.0), (0.0, height - 1.0)]
    return ZoneConfig(
        id="lane-7",
        kind="construction_watch",
        polygon=poly,
        grid_cell=GRID,
        calibration=truth["calibration"],
    )


@dataclass
class Run:
    incidents: list[Incident]
    observations: int
    frames: int

    def of(self, kind: IncidentKind) -> list[Incident]:
        return [i for i in self.incidents if i.kind is kind]


def video_frames(path: Path) -> Iterator[Frame]:
    with av.open(str(path)) as c:
        for i, f in enumerate(c.decode(video=0)):
            yield Frame("cam1", f.to_ndarray(format="bgr24"), float(f.time), i, f.key_frame)


def feed(frames: Iterator[Frame], watch: ConstructionWatch, detector: Detector | None) -> Run:
    """Every frame through the watch (with detector boxes when given); counts observations."""
    incidents: list[Incident] = []
    n = 0
    for frame in frames:
        objects = detector.detect(frame.image) if detector is not None else Detections.empty()
        incidents += watch.observe(frame, objects, T0 + timedelta(seconds=frame.pts))
        n += 1
    incidents += watch.flush()
    for inc in incidents:
        inc.to_payload()  # every event satisfies the contract
    return Run(incidents, watch.observations, n)


def make_watch(
    tmp_path: Path,
    zone: ZoneConfig | None,
    comparator: Comparator,
    settings: ConstructionSettings = TEST_SETTINGS,
) -> ConstructionWatch:
    evidence = EvidenceStore(tmp_path / "evidence", max_bytes=200_000)
    return ConstructionWatch(
        "xitang", "box1", "cam1", zone, settings, comparator, evidence, tmp_path / "baselines"
    )


def bbox_iou(a: list[float], b: list[float]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def first_image_size(path: Path) -> tuple[int, int]:
    frame = next(video_frames(path))
    return frame.width, frame.height
