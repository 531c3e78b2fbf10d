"""A construction / tamper run scored against a scenario's ground truth (``make_scenario.py``).

Truth JSON (what ``scripts/make_scenario.py`` writes beside its video): ``calibration`` of the
view, ``structure`` (``appear_pts``, ``area_m2``, ``final_bbox``) or null, ``tamper`` (``kind``,
``pts``) or null. A structure is found by an opened ``construction_change`` whose box overlaps
the truth's by at least :data:`MIN_IOU`; every other opened one is false. A tamper is found by
an opened ``tamper`` at or after the truth's time; any other is false.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from edge_agent.contract.incident import EventState, Incident, IncidentKind
from edge_agent.errors import ConfigError

__all__ = ["MIN_IOU", "ScenarioScore", "Truth", "box_iou", "load_truth", "score_scenario"]

MIN_IOU = 0.3


@dataclass(frozen=True)
class Truth:
    calibration: dict[str, Any]
    structure: dict[str, Any] | None
    tamper: dict[str, Any] | None


@dataclass
class ScenarioScore:
    """What the run got right and wrong; times in stream seconds after the truth's event."""

    structures: int
    found: int
    missed: int
    false: int
    iou: float | None = None
    area_m2: float | None = None
    area_error: float | None = None  # (reported - true) / true
    detect_after_s: float | None = None
    tamper_expected: str | None = None
    tamper_found: int = 0
    tamper_kind_named: bool | None = None
    tamper_false: int = 0
    tamper_after_s: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def load_truth(path: Path) -> Truth:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(str(path), [("", str(path), f"cannot read: {err.strerror}")]) from None
    except json.JSONDecodeError as err:
        raise ConfigError(str(path), [("", str(path), f"not JSON: {err}")]) from None
    problems: list[tuple[str, object, str]] = []
    for key in ("calibration", "structure", "tamper"):
        if not isinstance(data, dict) or key not in data:
            problems.append((key, None, "missing (write it with scripts/make_scenario.py)"))
    structure = data.get("structure") if isinstance(data, dict) else None
    for key in ("appear_pts", "area_m2", "final_bbox"):
        if structure is not None and key not in structure:
            problems.append((f"structure.{key}", None, "missing"))
    if problems:
        raise ConfigError(str(path), problems)
    return Truth(data["calibration"], structure, data["tamper"])


def box_iou(a: list[float], b: list[float]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _opened(incidents: list[Incident], kind: IncidentKind) -> list[Incident]:
    return [i for i in incidents if i.kind is kind and i.state is EventState.OPENED]


def score_scenario(truth: Truth, incidents: list[Incident]) -> ScenarioScore:
    changes = _opened(incidents, IncidentKind.CONSTRUCTION_CHANGE)
    score = ScenarioScore(structures=int(truth.structure is not None), found=0, missed=0, false=0)
    match = None
    if truth.structure is not None:
        box = truth.structure["final_bbox"]
        overlaps = [(box_iou(i.metrics["bbox"], box), i) for i in changes]  # type: ignore[arg-type]
        good = [(iou, i) for iou, i in overlaps if iou >= MIN_IOU]
        if good:
            score.iou, match = max(good, key=lambda p: p[0])
            score.found = 1
            _measure(score, match, truth.structure)
        else:
            score.missed = 1
    score.false = len([i for i in changes if i is not match])
    _score_tamper(score, truth.tamper, _opened(incidents, IncidentKind.TAMPER))
    return score


def _measure(score: ScenarioScore, found: Incident, structure: dict[str, Any]) -> None:
    area = found.metrics.get("area_m2")
    if isinstance(area, int | float):
        score.area_m2 = float(area)
        score.area_error = (float(area) - structure["area_m2"]) / structure["area_m2"]
    score.detect_after_s = (found.stream_pts or 0.0) - structure["appear_pts"]


def _score_tamper(score: ScenarioScore, tamper: dict[str, Any] | None, raised: list[Incident]):
    if tamper is None:
        score.tamper_false = len(raised)
        return
    score.tamper_expected = tamper["kind"]
    after = [i for i in raised if (i.stream_pts or 0.0) >= tamper["pts"]]
    score.tamper_false = len(raised) - len(after)
    if after:
        score.tamper_found = 1
        score.tamper_after_s = (after[0].stream_pts or 0.0) - tamper["pts"]
        score.tamper_kind_named = tamper["kind"] in str(after[0].metrics.get("reason", ""))
