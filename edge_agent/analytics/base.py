"""What an analytic is: one row of the registry, and the runner the camera pipeline drives.

An :class:`Analytic` declares the zone kinds it serves, its settings model, what it needs of each
analysed frame and the incident kinds it emits; its ``build`` makes the :class:`Runner` for one
camera (or one zone). The pipeline knows nothing else about it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from edge_agent.config.models import AgentConfig, CameraConfig, ZoneConfig, ZoneKind
from edge_agent.contract.incident import Incident, IncidentKind
from edge_agent.detections import Detections
from edge_agent.frames import Frame
from edge_agent.incidents.evidence import EvidenceStore
from edge_agent.incidents.origin import Origin, StreamClock
from edge_agent.zones.metrics import ZoneMetrics

__all__ = ["Scope", "Needs", "Setup", "Runner", "MeasuresZones", "Analytic", "CAMERA_KEY"]

#: Runner key of an analytic that runs once per camera (a zone-scoped one is keyed by zone id).
CAMERA_KEY = "*"


class Scope(StrEnum):
    ZONE = "zone"  # one runner per zone of a served kind
    CAMERA = "camera"  # one runner per camera, over its zones of the served kinds


@dataclass(frozen=True)
class Needs:
    """What the runner is handed on each analysed frame.

    Attributes:
        image: whether it reads the picture (not only the detections).
        classes: the detection classes it is given (``None``: all the detector keeps).
        cadence_s: the settings key giving the fewest stream seconds between two calls, or
            ``None``: every analysed frame. Stream time, never the wall clock.
    """

    image: bool
    classes: frozenset[int] | None
    cadence_s: str | None = None


@dataclass(frozen=True)
class Setup:
    """What a plug-in gets to build the runner of one camera."""

    cfg: AgentConfig
    camera: CameraConfig
    origin: Origin  # the camera's; a runner adds its zone with ``origin.in_zone``
    clock: StreamClock
    evidence: EvidenceStore | None
    baseline_dir: Path  # where references of the view are kept


class Runner(Protocol):
    """The running state of one analytic on one camera (or zone)."""

    def observe(
        self, frame: Frame, detections: Detections, observed_at: datetime
    ) -> list[Incident]:
        """One analysed frame in (with the detections its analytic asked for), incidents out."""
        ...

    def flush(self) -> list[Incident]:
        """Finish work on frames already gathered (the end of a recording)."""
        ...

    def apply_config(self, cfg: AgentConfig) -> None:
        """New settings from a changed config, keeping what the runner has learnt."""
        ...


@runtime_checkable
class MeasuresZones(Protocol):
    """A runner that reports per-zone metrics on each frame (``FrameResult.zones``)."""

    def zone_metrics(self) -> Mapping[str, ZoneMetrics]: ...


@dataclass(frozen=True)
class Analytic:
    """One row of the registry.

    Attributes:
        name: unique; the key of the pipeline's runners and of ``analytics`` selections.
        zone_kinds: the zone kinds it serves.
        scope: one runner per served zone, or one per camera.
        settings: its settings model (strict pydantic, part of the agent's config).
        settings_of: its settings for a camera and zone (``None``: the camera as a whole).
        needs: what it is handed each analysed frame.
        emits: the incident kinds it may raise.
        build: makes a runner for a camera and the zones it serves there (one for ``ZONE``
            scope; none: the whole frame).
        switched_on: for a camera-scoped analytic that runs without served zones, whether this
            camera asks for it; ``None``: it runs where the camera has a served zone.
    """

    name: str
    zone_kinds: frozenset[ZoneKind]
    scope: Scope
    settings: type[BaseModel]
    settings_of: Callable[[AgentConfig, CameraConfig, ZoneConfig | None], BaseModel | None]
    needs: Needs
    emits: frozenset[IncidentKind]
    build: Callable[[Setup, tuple[ZoneConfig, ...]], Runner]
    switched_on: Callable[[CameraConfig], bool] | None = None

    def runs_on(self, camera: CameraConfig) -> list[tuple[ZoneConfig, ...]]:
        """The zone sets this analytic runs a runner for on ``camera`` (empty list: none)."""
        served = tuple(z for z in camera.zones if z.kind in self.zone_kinds)
        if self.scope is Scope.ZONE:
            return [(z,) for z in served]
        if self.switched_on is not None:
            return [served] if self.switched_on(camera) else []
        return [served] if served else []

    def cadence_s(self, cfg: AgentConfig, camera: CameraConfig, zone: ZoneConfig | None) -> float:
        """Fewest stream seconds between two calls of a runner (0: every analysed frame)."""
        if self.needs.cadence_s is None:
            return 0.0
        settings = self.settings_of(cfg, camera, zone)
        return float(getattr(settings, self.needs.cadence_s)) if settings is not None else 0.0
