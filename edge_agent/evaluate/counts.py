"""Head counts against hand counts: error per labelled frame, MAE and MAPE per model and setting.

The labels are a CSV with a header ``t_s,count,split`` (more columns, e.g. ``frame`` and
``notes``, are kept but not read): stream seconds of a frame, the people a person counted on
it, and ``tune`` or ``report``. Tune thresholds on the ``tune`` rows and report on the others,
so the figures published are of frames nobody tuned on.
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np

from edge_agent.config.models import ModelConfig, SlicingConfig
from edge_agent.detect.auto_slicing import (
    SlicingPlan,
    SlicingSetting,
    auto_tile_side,
    network_side,
)
from edge_agent.detect.detector import Detector, build_detector
from edge_agent.detections import PERSON_CLASS
from edge_agent.errors import ConfigError, SourceError

__all__ = [
    "CountLabel",
    "CountRow",
    "CountSummary",
    "SETTINGS",
    "count_people",
    "evaluate_counts",
    "frames_at",
    "load_labels",
    "summarise",
]

SETTINGS = ("off", "on", "auto")


@dataclass(frozen=True)
class CountLabel:
    t_s: float
    count: int
    split: str


@dataclass(frozen=True)
class CountRow:
    """One labelled frame through one model and slicing setting."""

    model: str
    setting: str
    t_s: float
    split: str
    truth: int
    found: int
    ms: float  # detection time of this frame (a probe's two passes included)
    chose: str  # what the slicing ran on this frame

    @property
    def error(self) -> int:
        return self.found - self.truth


@dataclass
class CountSummary:
    model: str
    setting: str
    split: str
    frames: int
    mae: float
    mape: float | None  # over frames with people; None if none
    bias: float  # mean signed error: negative = people missed
    ms_per_frame: float
    errors: list[int] = field(default_factory=list)


def load_labels(path: Path) -> list[CountLabel]:
    """Read the hand counts; a bad row names the file, line, column and value."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in ("t_s", "count", "split") if c not in (reader.fieldnames or [])]
            if missing:
                header = reader.fieldnames
                raise ConfigError(str(path), [("header", header, f"missing {missing}")])
            labels = [_label(path, n, row) for n, row in enumerate(reader, start=2)]
    except OSError as err:
        raise ConfigError(str(path), [("", str(path), f"cannot read: {err.strerror}")]) from None
    if not labels:
        raise ConfigError(str(path), [("", str(path), "no labelled frames")])
    return sorted(labels, key=lambda lb: lb.t_s)


def _label(path: Path, line: int, row: dict[str, str]) -> CountLabel:
    try:
        t_s = float(row["t_s"])
    except (TypeError, ValueError):
        raise ConfigError(str(path), [(f"line {line} t_s", row["t_s"], "not a number")]) from None
    try:
        count = int(row["count"])
        if count < 0:
            raise ValueError
    except (TypeError, ValueError):
        reason = "not a whole number >= 0"
        raise ConfigError(str(path), [(f"line {line} count", row["count"], reason)]) from None
    split = (row["split"] or "").strip()
    if not split:
        raise ConfigError(str(path), [(f"line {line} split", row["split"], "empty")])
    return CountLabel(t_s, count, split)


def frames_at(video: Path, times: list[float]) -> dict[float, np.ndarray]:
    """The decoded frame nearest each time; an error if one is more than a frame away."""
    best: dict[float, tuple[float, np.ndarray]] = {}
    last_needed = max(times)
    try:
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            rate = float(stream.average_rate or 25)
            for frame in container.decode(stream):
                t = float(frame.time or 0.0)
                for want in times:
                    gap = abs(t - want)
                    if gap < best.get(want, (np.inf, None))[0]:
                        best[want] = (gap, frame.to_ndarray(format="bgr24"))
                if t > last_needed + 1 / rate:
                    break
    except (av.FFmpegError, IndexError) as err:
        raise SourceError(f"{video}: cannot read video frames: {err}") from err
    far = [t for t in times if t not in best or best[t][0] > 1 / rate]
    if far:
        raise SourceError(f"{video}: no frame within one frame interval of t_s {far}")
    return {t: img for t, (_, img) in best.items()}


def count_people(
    detector: Detector,
    name: str,
    setting: str,
    labels: list[CountLabel],
    frames: dict[float, np.ndarray],
) -> list[CountRow]:
    """Run ``detector`` with ``setting`` (off, on, auto) over the labelled frames in time order."""
    net = network_side(detector)
    choice: dict[str, SlicingSetting] = {
        "off": "off",
        "on": SlicingConfig(tile=auto_tile_side(net)),
        "auto": "auto",
    }
    plan = SlicingPlan(choice[setting], net, name)
    rows = []
    for label in labels:
        found, timings = plan.detect(detector, frames[label.t_s], label.t_s)
        people = found.of_class(PERSON_CLASS)
        ran = plan.choice.slicing
        chose = f"tiles {ran.tile}" if ran else "whole frame"
        ms = sum(timings.values()) * 1000
        rows.append(
            CountRow(name, setting, label.t_s, label.split, label.count, len(people), ms, chose)
        )
    return rows


def summarise(rows: list[CountRow]) -> list[CountSummary]:
    """One summary per (model, setting, split), and per (model, setting) over all splits
    (``all``) when there are several."""
    groups: dict[tuple[str, str, str], list[CountRow]] = {}
    several = len({r.split for r in rows}) > 1
    for r in rows:
        groups.setdefault((r.model, r.setting, r.split), []).append(r)
        if several:
            groups.setdefault((r.model, r.setting, "all"), []).append(r)
    out = []
    for (model, setting, split), rs in groups.items():
        errors = [r.error for r in rs]
        with_people = [abs(r.error) / r.truth for r in rs if r.truth > 0]
        out.append(
            CountSummary(
                model,
                setting,
                split,
                len(rs),
                mae=statistics.fmean(abs(e) for e in errors),
                mape=statistics.fmean(with_people) * 100 if with_people else None,
                bias=statistics.fmean(errors),
                ms_per_frame=statistics.fmean(r.ms for r in rs),
                errors=errors,
            )
        )
    return out


def evaluate_counts(
    video: Path,
    labels_path: Path,
    models: list[Path],
    settings: list[str],
    split: str | None = None,
    confidence: float | None = None,
) -> list[CountRow]:
    """Every model x setting over the labelled frames (of ``split``, if given)."""
    labels = load_labels(labels_path)
    if split is not None:
        labels = [lb for lb in labels if lb.split == split]
        if not labels:
            raise ConfigError(str(labels_path), [("split", split, "no label has this split")])
    frames = frames_at(video, [lb.t_s for lb in labels])
    rows: list[CountRow] = []
    for path in models:
        extra = {} if confidence is None else {"confidence": confidence}
        detector = build_detector(ModelConfig(path=str(path), **extra), Path.cwd())
        for setting in settings:
            rows += count_people(detector, path.stem, setting, labels, frames)
    return rows
