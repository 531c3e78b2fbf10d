"""Fixtures of the construction-watch tests: the comparator, a real detector, the scenario harness
(``scripts/make_scenario.py``, imported from its file)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

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


@pytest.fixture(scope="session")
def scenario() -> ModuleType:
    """``scripts/make_scenario.py`` as a module (scripts/ is not a package)."""
    path = REPO / "scripts" / "make_scenario.py"
    spec = importlib.util.spec_from_file_location("make_scenario", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_scenario"] = module
    spec.loader.exec_module(module)
    return module
