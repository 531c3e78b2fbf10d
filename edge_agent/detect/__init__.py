"""Detection: one shared onnxruntime session, model adapters by kind, NMS and sliced inference.

Example:
    >>> from pathlib import Path
    >>> from edge_agent.config.models import ModelConfig
    >>> detector = build_detector(ModelConfig(), Path("."))  # the default person model
    >>> detector.adapter.kind
    'ssd_tf'
"""

from edge_agent.detect.adapters import ADAPTERS, detect_kind, fitting_kinds, make_adapter
from edge_agent.detect.detector import (
    PROJECT_ROOT,
    Detector,
    StageTimings,
    build_detector,
    resolve_model_path,
)
from edge_agent.detect.nms import keep_wanted, nms
from edge_agent.detect.session import ModelSpec, SharedSession, TensorSpec, open_session
from edge_agent.detect.slicing import tile_windows, views

__all__ = [
    "ADAPTERS",
    "PROJECT_ROOT",
    "Detector",
    "ModelSpec",
    "SharedSession",
    "StageTimings",
    "TensorSpec",
    "build_detector",
    "detect_kind",
    "fitting_kinds",
    "keep_wanted",
    "make_adapter",
    "nms",
    "open_session",
    "resolve_model_path",
    "tile_windows",
    "views",
]
