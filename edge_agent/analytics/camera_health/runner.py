"""The camera-health analytic: the whole view against its reference, no structure search.

Today it is the construction watch's view check (reference capture by lighting, short-term
backgrounds with people masked out, covered / defocused / moved) run on the whole frame with the
structure search left out, so both report ``tamper`` the same way.
"""

from __future__ import annotations

import numpy as np

from edge_agent.analytics.base import Analytic, Needs, Scope, Setup
from edge_agent.analytics.construction_watch.background import to_gray
from edge_agent.analytics.construction_watch.observe import Observation, tamper_reason
from edge_agent.analytics.construction_watch.reference import Reference
from edge_agent.analytics.construction_watch.runner import comparator_for
from edge_agent.analytics.construction_watch.watch import ConstructionWatch
from edge_agent.config.models import (
    AgentConfig,
    CameraConfig,
    CameraHealthSettings,
    ConstructionSettings,
    ZoneConfig,
)
from edge_agent.contract.incident import IncidentKind
from edge_agent.incidents.origin import UNASSIGNED_CELL

__all__ = ["ANALYTIC", "HEALTH_ZONE", "CameraHealthRunner"]

#: Zone id of camera-health incidents and references (the camera as a whole).
HEALTH_ZONE = "camera-health"


def _as_watch_settings(health: CameraHealthSettings) -> ConstructionSettings:
    return ConstructionSettings.model_validate(health.model_dump())


class CameraHealthRunner(ConstructionWatch):
    """The whole view of one camera; incidents carry zone ``camera-health`` and the grid cell of
    the camera's first zone (the place an operator goes to)."""

    whole_frame_zone = HEALTH_ZONE

    def __init__(self, setup: Setup, settings: CameraHealthSettings):
        o, camera = setup.origin, setup.camera
        cell = camera.zones[0].grid_cell if camera.zones else UNASSIGNED_CELL
        watch = _as_watch_settings(settings)
        super().__init__(
            o.site,
            o.box,
            o.camera,
            None,
            watch,
            comparator_for(watch.model),
            setup.evidence,
            setup.baseline_dir,
        )
        self.where = o.in_zone(HEALTH_ZONE, cell)
        self.camera_id = camera.id
        self._given = settings

    def _analyse(self, image: np.ndarray, unseen: np.ndarray, ref: Reference) -> Observation:
        reason, _ = tamper_reason(to_gray(ref.image), to_gray(image), self._context(image))
        if reason is not None:
            return Observation(reason)
        return Observation(None, image, to_gray(image))

    def apply_config(self, cfg: AgentConfig) -> None:
        settings = cfg.health_for(cfg.camera(self.camera_id))
        if settings is not None and settings != self._given:
            self.apply_settings(_as_watch_settings(settings))
            self._given = settings


def _settings(
    cfg: AgentConfig, camera: CameraConfig, zone: ZoneConfig | None
) -> CameraHealthSettings | None:
    return cfg.health_for(camera)


def _build(setup: Setup, zones: tuple[ZoneConfig, ...]) -> CameraHealthRunner:
    settings = setup.cfg.health_for(setup.camera)
    assert settings is not None, "built only where the camera has health on"
    return CameraHealthRunner(setup, settings)


ANALYTIC = Analytic(
    name="camera_health",
    zone_kinds=frozenset(),  # the camera as a whole, whatever its zones
    scope=Scope.CAMERA,
    settings=CameraHealthSettings,
    settings_of=_settings,
    # backgrounds take frames at least background_spacing_s apart: none closer is needed
    needs=Needs(image=True, classes=None, cadence_s="background_spacing_s"),
    emits=frozenset({IncidentKind.TAMPER}),
    build=_build,
    switched_on=lambda camera: camera.health is not None,
)
