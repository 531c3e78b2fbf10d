"""The registry: one row per analytic. Adding an analytic = its folder + one row here.

Checked at import: names unique, every zone kind served by some analytic (a zone nothing
analyses would be a config that silently does nothing), every row's settings model strict.
"""

from __future__ import annotations

from collections.abc import Collection

from edge_agent.analytics.base import Analytic
from edge_agent.analytics.camera_health import ANALYTIC as CAMERA_HEALTH
from edge_agent.analytics.construction_watch import ANALYTIC as CONSTRUCTION_WATCH
from edge_agent.analytics.crowd_density import ANALYTIC as CROWD_DENSITY
from edge_agent.config.models import CameraConfig, ZoneConfig, ZoneKind

__all__ = ["REGISTRY", "by_name", "runs_for", "serving", "check_registry"]

#: In the order the pipeline runs them on each frame (and so the order of their incidents).
REGISTRY: tuple[Analytic, ...] = (CROWD_DENSITY, CONSTRUCTION_WATCH, CAMERA_HEALTH)


def check_registry(rows: tuple[Analytic, ...]) -> None:
    """Raise ``ValueError`` naming what is wrong with a registry table."""
    names = [a.name for a in rows]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"analytics registered twice: {', '.join(dupes)}")
    served = set().union(*(a.zone_kinds for a in rows))
    unserved = sorted(k.value for k in ZoneKind if k not in served)
    if unserved:
        raise ValueError(f"zone kinds no analytic serves: {', '.join(unserved)}")
    for a in rows:
        if a.settings.model_config.get("extra") != "forbid":
            raise ValueError(
                f"{a.name}: settings model {a.settings.__name__} must forbid extra keys"
            )
        if not a.emits:
            raise ValueError(f"{a.name}: declares no incident kind")


check_registry(REGISTRY)


def by_name(name: str) -> Analytic:
    for a in REGISTRY:
        if a.name == name:
            return a
    known = ", ".join(a.name for a in REGISTRY)
    raise KeyError(f"no analytic {name!r}; known: {known}")


def serving(kind: ZoneKind) -> list[Analytic]:
    """The analytics a zone of this kind asks for."""
    return [a for a in REGISTRY if kind in a.zone_kinds]


def runs_for(
    camera: CameraConfig, only: Collection[str] | None = None
) -> list[tuple[Analytic, tuple[ZoneConfig, ...]]]:
    """Every runner a camera needs: (analytic, the zones it serves there), in registry order.

    ``only``: names of the analytics allowed to run (``None``: all).
    """
    if only is not None:
        for name in only:
            by_name(name)  # a typo is an error, not an analytic silently off
    rows = [a for a in REGISTRY if only is None or a.name in only]
    return [(a, zones) for a in rows for zones in a.runs_on(camera)]
