"""The detector's config: which ONNX model, how its output is read, and tiled inference."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from edge_agent.config.strict import Strict

__all__ = ["ModelKind", "ModelConfig", "SlicingConfig"]


class ModelKind(StrEnum):
    AUTO = "auto"  # read the layout off the graph (edge_agent.detect.adapters.detect_kind)
    SSD_TF = "ssd_tf"
    YOLO = "yolo"
    YOLOX = "yolox"


class ModelConfig(Strict):
    path: str = Field(
        "models/ssdlite_mobilenet_v2_person.onnx",
        description="ONNX file, relative to the config file; models/NAME: a shipped model.",
    )
    kind: ModelKind = Field(
        ModelKind.AUTO, description="Output layout: auto (read off the graph), ssd_tf, yolo, yolox."
    )
    input_size: tuple[int, int] | None = Field(
        None, description="Network input [width, height]; default read from the model."
    )
    providers: list[str] = Field(
        default_factory=lambda: ["CPUExecutionProvider"],
        min_length=1,
        description="onnxruntime execution providers in order of preference.",
    )
    # 1: on a small box the cameras' decoders want the other core; a second intra-op thread cut
    # an SSD frame's wall time by ~20% for ~50% more CPU (no spinning), see detect/session.py.
    threads: int = Field(1, ge=1, le=64, description="intra-op threads of the shared session.")
    confidence: float = Field(0.4, gt=0, le=1, description="Minimum detection score.")
    iou: float = Field(0.5, gt=0, le=1, description="IoU above which NMS merges boxes.")
    classes: list[int] = Field(default_factory=lambda: [0], description="COCO ids kept (0=person).")


class SlicingConfig(Strict):
    tile: int = Field(416, ge=64, le=4096, description="Square tile side in pixels.")
    overlap: float = Field(0.2, ge=0, lt=0.9, description="Overlap between tiles (fraction).")
    full_frame: bool = Field(True, description="Also run the whole frame (large people).")
