"""Model adapters, chosen by the config's ``kind``: kept outside :class:`~edge_agent.detections.Detections` on purpose."""

from __future__ import annotations

from collections.abc import Callable

from edge_agent.config.models import ModelKind
from edge_agent.detect.adapters.base import Adapter, Prepared, Thresholds
from edge_agent.detect.adapters.ssd_tf import SsdTfAdapter
from edge_agent.detect.adapters.yolo import YoloAdapter
from edge_agent.detect.adapters.yolox import YoloxAdapter
from edge_agent.detect.session import ModelSpec
from edge_agent.errors import ModelError

__all__ = [
    "ADAPTERS",
    "Adapter",
    "Prepared",
    "Thresholds",
    "SsdTfAdapter",
    "YoloAdapter",
    "YoloxAdapter",
    "make_adapter",
    "fitting_kinds",
]

AdapterFactory = Callable[[ModelSpec, Thresholds, "tuple[int, int] | None"], Adapter]

#: kind -> adapter class. A new layout is one module and one row here.
ADAPTERS: dict[ModelKind, AdapterFactory] = {
    ModelKind.SSD_TF: SsdTfAdapter,
    ModelKind.YOLO: YoloAdapter,
    ModelKind.YOLOX: YoloxAdapter,
}


def make_adapter(
    kind: ModelKind | str,
    spec: ModelSpec,
    keep: Thresholds,
    input_size: tuple[int, int] | None = None,
) -> Adapter:
    """The adapter for ``kind``, checked against ``spec`` (:class:`ModelError` if unfit)."""
    return ADAPTERS[ModelKind(kind)](spec, keep, input_size)


def fitting_kinds(spec: ModelSpec) -> dict[ModelKind, str]:
    """Every kind with ``""`` when the model fits it, else the reason it does not."""
    verdicts = {}
    for kind, factory in ADAPTERS.items():
        try:
            factory(spec, Thresholds(0.5, (0,)), None)
            verdicts[kind] = ""
        except ModelError as err:
            verdicts[kind] = str(err)
    return verdicts
