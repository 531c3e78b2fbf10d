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
    "detect_kind",
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
    """The adapter for ``kind`` (``auto``: read off the graph), checked against ``spec``.

    Raises :class:`ModelError` if the model does not fit.
    """
    chosen = detect_kind(spec) if ModelKind(kind) is ModelKind.AUTO else ModelKind(kind)
    return ADAPTERS[chosen](spec, keep, input_size)


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


def detect_kind(spec: ModelSpec) -> ModelKind:
    """The one adapter kind whose layout the graph has; :class:`ModelError` if none or several.

    The layouts are disjoint for fixed shapes (SSD: uint8 NHWC and four named outputs; YOLO:
    ``[B, 4+classes, N]`` with fewer channels than anchors; YOLOX: ``[B, anchors, 5+classes]``);
    a graph with dynamic output dimensions may fit several, and then the config must say.
    """
    verdicts = fitting_kinds(spec)
    fits = [kind for kind, why in verdicts.items() if not why]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        reasons = "; ".join(f"{kind.value}: {why}" for kind, why in verdicts.items())
        raise ModelError(f"{spec.path}: no adapter kind fits this model ({reasons})")
    names = ", ".join(k.value for k in fits)
    raise ModelError(
        f"{spec.path}: the graph fits several adapter kinds ({names}); set model.kind to one"
    )
