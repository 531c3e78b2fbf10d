"""The ONNX comparator: built by our script, robust to light, sensitive to structure."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import av
import cv2
import numpy as np
import onnx
import pytest

from edge_agent.analytics.construction_watch.comparator import Comparator
from edge_agent.errors import ModelError


def _frame(shared_data: Path, name: str = "road.avi") -> np.ndarray:
    with av.open(str(shared_data / "video" / name)) as c:
        return cv2.cvtColor(next(c.decode(video=0)).to_ndarray(format="bgr24"), cv2.COLOR_BGR2GRAY)


def test_committed_model_is_what_the_script_builds(repo_root: Path) -> None:
    path = repo_root / "scripts" / "build_change_model.py"
    spec = importlib.util.spec_from_file_location("build_change_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = onnx.load(str(repo_root / "models" / "change_structural.onnx"))
    assert module.build().graph == committed.graph


@pytest.mark.parametrize(("gain", "gamma"), [(0.5, 1.0), (1.0, 1.3), (0.6, 0.8)])
def test_light_changes_are_not_change(comparator, shared_data: Path, gain, gamma) -> None:
    ref = _frame(shared_data)
    lit = np.clip(255 * (ref / 255.0) ** gamma * gain, 0, 255).astype(np.uint8)
    change = comparator.compare(ref, lit)
    assert change.shape == ref.shape
    assert float(np.mean(change > 0.4)) < 0.02


def test_a_new_structure_is_change(comparator, shared_data: Path) -> None:
    ref = _frame(shared_data)
    obs = ref.copy()
    roof = cv2.imread(str(shared_data / "change/levir/B/test_2_0000_0512.png"), 0)
    obs[120:180, 100:170] = roof[40:100, 40:110]
    change = comparator.compare(ref, obs)
    assert float(np.mean(change[125:175, 105:165] > 0.4)) > 0.6
    assert float(np.mean(change[:100] > 0.4)) < 0.02


def test_batch_of_pairs_and_missing_model(comparator, tmp_path: Path) -> None:
    a = np.zeros((16, 24), np.uint8)
    out = comparator.compare_many([(a, a), (a, a + 100)])
    assert [m.shape for m in out] == [(16, 24), (16, 24)]
    with pytest.raises(ModelError, match="not found"):
        Comparator(tmp_path / "none.onnx")
