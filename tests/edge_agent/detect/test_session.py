"""Execution providers come from the config; a missing accelerator falls back to the CPU."""

from __future__ import annotations

import logging

import onnxruntime as ort
import pytest

from edge_agent.config.models import ModelConfig
from edge_agent.detect import build_detector
from edge_agent.detect.session import choose_providers, open_session

CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
OPENVINO = "OpenVINOExecutionProvider"


@pytest.mark.parametrize(
    ("asked", "available", "use", "missing"),
    [
        ([CPU], [CPU], [CPU], []),
        ([CUDA, CPU], [CPU], [CPU], [CUDA]),
        ([CUDA, CPU], [CUDA, CPU], [CUDA, CPU], []),
        ([OPENVINO], [CPU], [CPU], [OPENVINO]),
        ([OPENVINO, CUDA], [CUDA, OPENVINO, CPU], [OPENVINO, CUDA, CPU], []),
        ([CUDA, CUDA], [CPU], [CPU], [CUDA]),
    ],
)
def test_choose_providers(asked, available, use, missing):
    assert choose_providers(asked, available) == (use, missing)


def test_missing_provider_warns_and_runs_on_cpu(repo_root, caplog):
    asked = ["NoSuchExecutionProvider", CUDA, OPENVINO, CPU]
    with caplog.at_level(logging.WARNING, logger="edge_agent.detect.session"):
        session = open_session(repo_root / "models/ssdlite_mobilenet_v2_person.onnx", asked, 1)
    expected, missing = choose_providers(asked, ort.get_available_providers())
    assert session.providers == expected
    assert session.providers[-1] == CPU
    warned = " ".join(r.getMessage() for r in caplog.records)
    for name in missing:
        assert f"{name} is not installed" in warned
    assert "NoSuchExecutionProvider is not installed" in warned


def test_detector_built_with_only_an_absent_accelerator(repo_root):
    cfg = ModelConfig(providers=["NoSuchExecutionProvider"], threads=1)
    detector = build_detector(cfg, repo_root)
    assert detector.session.providers == [CPU]


def test_concurrent_runs_must_be_positive(tmp_path):
    from edge_agent.detect.detector import PROJECT_ROOT
    from edge_agent.detect.session import open_session

    with pytest.raises(ValueError, match="concurrent runs must be >= 1; got 0"):
        open_session(
            PROJECT_ROOT / "models/ssdlite_mobilenet_v2_person.onnx", ["CPUExecutionProvider"], 1, 0
        )
