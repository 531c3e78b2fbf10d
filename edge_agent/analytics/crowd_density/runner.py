"""The crowd-density analytic: one runner per camera over all of its crowd zones.

One runner, not one per zone, because an evidence picture shows every crowd zone of the view with
its level: the operator sees the lane that raised the alarm beside its neighbours.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

import numpy as np

from edge_agent.analytics.base import Analytic, Needs, Scope, Setup
from edge_agent.analytics.crowd_density.zone import CrowdZone
from edge_agent.config.models import (
    AgentConfig,
    CameraConfig,
    CrowdThresholds,
    ZoneConfig,
    ZoneKind,
)
from edge_agent.contract.incident import Evidence, Incident, IncidentKind
from edge_agent.detections import PERSON_CLASS, Detections
from edge_agent.draw import LEVEL_COLOURS, draw_detections, draw_zone
from edge_agent.errors import GridwatchError
from edge_agent.frames import Frame
from edge_agent.incidents.event import ZoneEvent
from edge_agent.incidents.tracker import IncidentTracker
from edge_agent.zones.area import zone_area_m2
from edge_agent.zones.geometry import PolygonZone
from edge_agent.zones.metrics import ZoneMetrics

__all__ = ["ANALYTIC", "CROWD_KINDS", "CrowdRunner"]

log = logging.getLogger(__name__)

#: Zone kinds whose people are counted.
CROWD_KINDS = frozenset({ZoneKind.ALLEY, ZoneKind.BRIDGE, ZoneKind.SQUARE})


class CrowdRunner:
    """Every crowd zone of one camera: metrics each frame, incidents with annotated evidence."""

    def __init__(self, setup: Setup, zones: tuple[ZoneConfig, ...]):
        self.camera_id = setup.camera.id
        self.evidence = setup.evidence
        self.tracker = IncidentTracker(setup.origin, setup.clock)
        self.zone_cfg = {z.id: z for z in zones}
        self.zones: dict[str, CrowdZone] = {
            z.id: CrowdZone(
                z.id,
                PolygonZone.from_points(z.polygon),
                zone_area_m2(z),
                setup.cfg.thresholds_for(z),
            )
            for z in zones
        }
        self._metrics: dict[str, ZoneMetrics] = {}

    def observe(self, frame: Frame, people: Detections, observed_at: datetime) -> list[Incident]:
        self._metrics = {}
        incidents: list[Incident] = []
        for zid, zone in self.zones.items():
            m, events = zone.update(frame.pts, people)
            self._metrics[zid] = m
            incidents += [self._incident(frame, people, zid, ev) for ev in events]
        return incidents

    def zone_metrics(self) -> Mapping[str, ZoneMetrics]:
        return self._metrics

    def flush(self) -> list[Incident]:
        return []  # every frame is fully analysed when it comes

    def apply_config(self, cfg: AgentConfig) -> None:
        """New thresholds live; open incidents and collected samples are kept."""
        for z in cfg.camera(self.camera_id).zones:
            if z.id in self.zones:
                self.zones[z.id].set_thresholds(cfg.thresholds_for(z))
                self.zone_cfg[z.id] = z

    def _incident(self, frame: Frame, people: Detections, zid: str, ev: ZoneEvent) -> Incident:
        grid_cell = self.zone_cfg[zid].grid_cell
        if self.evidence is None or not self.tracker.needs_evidence(zid, ev):
            return self.tracker.build(zid, grid_cell, ev)
        ids = self.tracker.next_ids(zid, ev.kind, ev.alarm.state)
        evidence: tuple[Evidence, ...] = ()
        try:
            evidence = (
                self.evidence.save(ids[0], ids[1], "annotated", self.annotate(frame, people)),
            )
        except (OSError, GridwatchError) as err:  # disk full, bad dir: the event still goes
            log.error(
                "%s/%s: evidence not written, event sent without: %s", frame.camera_id, zid, err
            )
        return self.tracker.build(zid, grid_cell, ev, evidence, ids)

    def annotate(self, frame: Frame, people: Detections) -> np.ndarray:
        img = frame.image.copy()
        for zid, zone in self.zones.items():
            colour = LEVEL_COLOURS[zone.alarm.level]
            draw_zone(img, zone.polygon.points, f"{zid} {zone.alarm.level.value}", colour)
        draw_detections(img, people)
        return img


def _settings(cfg: AgentConfig, camera: CameraConfig, zone: ZoneConfig | None) -> CrowdThresholds:
    return cfg.thresholds_for(zone) if zone is not None else cfg.defaults.thresholds


ANALYTIC = Analytic(
    name="crowd_density",
    zone_kinds=CROWD_KINDS,
    scope=Scope.CAMERA,
    settings=CrowdThresholds,
    settings_of=_settings,
    needs=Needs(image=True, classes=frozenset({PERSON_CLASS})),  # the image: evidence only
    emits=frozenset({IncidentKind.CROWD_DENSITY, IncidentKind.CROWD_FORECAST}),
    build=CrowdRunner,
)
