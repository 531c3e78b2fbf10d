"""Fixtures of the construction-watch tests: the comparator, a real detector (the scenario
harness is in ``tests/edge_agent/analytics/conftest.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_agent.analytics.construction_watch.comparator import Comparator
from edge_agent.config.models import ModelConfig, ModelKind
from edge_agent.detect.detector import Detector, build_detector

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture(scope="session")
def comparator(repo_root: Path) -> Comparator:
    return Comparator(repo_root / "models" / "change_structural.onnx")


@pytest.fixture(scope="session")
def detector(shared_data: Path) -> Detector:
    """The real YOLOX-nano COCO detector: people and vehicles are masked out of the backgrounds."""
    cfg = ModelConfig(
        path=str(shared_data / "models" / "yolox_nano.onnx"),
        kind=ModelKind.YOLOX,
        classes=[0, 1, 2, 3, 5, 7],
        confidence=0.3,
        threads=1,
    )
    return build_detector(cfg, REPO)
