"""The construction-watch analytic: one watch per construction_watch zone, one comparator model
per file, shared by every watch of the box."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path

from edge_agent.analytics.base import Analytic, Needs, Scope, Setup
from edge_agent.analytics.construction_watch.background import Work, to_gray
from edge_agent.analytics.construction_watch.comparator import Comparator
from edge_agent.analytics.construction_watch.daily import DailyPatrol, Pictures
from edge_agent.analytics.construction_watch.watch import ConstructionWatch
from edge_agent.config.models import (
    AgentConfig,
    CameraConfig,
    ConstructionSettings,
    ZoneConfig,
    ZoneKind,
)
from edge_agent.contract.incident import Incident, IncidentKind
from edge_agent.detections import Detections
from edge_agent.frames import Frame
from edge_agent.incidents.evidence import EvidenceStore
from edge_agent.incidents.origin import Origin, StreamClock

__all__ = ["ANALYTIC", "ConstructionRunner", "comparator_for", "construction_factory"]


@cache
def _comparator(path: Path, threads: int) -> Comparator:
    return Comparator(path, threads=threads)


def comparator_for(model: str) -> Comparator:
    """The change comparator of a settings ``model`` (relative: to the working folder, else a
    shipped ``models/NAME``), opened once per file and shared."""
    from edge_agent.bundled import resolve_model_path

    return _comparator(resolve_model_path(model, Path.cwd()), 1)


class ConstructionRunner(ConstructionWatch):
    """A zone's construction watch as the pipeline runs it; it takes changed settings itself.

    A watch whose settings changed takes them in place: its references, the structures it tracks
    and the incidents it has open are kept (a rebuilt watch would start its persistence count
    again and could report a known structure twice). A watched place's runner also makes its
    daily patrol (:mod:`.daily`).
    """

    def __init__(self, setup: Setup, zone: ZoneConfig | None, settings: ConstructionSettings):
        o = setup.origin
        super().__init__(
            o.site,
            o.box,
            o.camera,
            zone,
            settings,
            comparator_for(settings.model),
            setup.evidence,
            setup.baseline_dir,
        )
        self.camera_id = setup.camera.id
        self._given = settings
        self.patrol = DailyPatrol.of(self.where, zone, setup.cfg, setup.evidence)

    def observe(self, frame: Frame, objects: Detections, observed_at: datetime) -> list[Incident]:
        out = super().observe(frame, objects, observed_at)
        if self.patrol is None:
            return out
        tampered = self._tamper.reason if self._tamper is not None else None
        return self.patrol.on_frame(
            out, (observed_at, frame.pts), lambda: self.pictures(frame), tampered
        )

    def flush(self) -> list[Incident]:
        out = super().flush()
        return self.patrol.mark(out) if self.patrol is not None else out

    def pictures(self, frame: Frame) -> Pictures:
        """The frame and the reference it is compared with, on the analysis grid."""
        scale = self._scale or 1.0
        image = Work(frame, Detections.empty(), scale).image
        if not self.refs:
            return None, image, None, scale
        ref = self._fit(self._pick_reference(to_gray(image)), image.shape)
        return ref.image, image, ref.taken_at, scale

    def apply_config(self, cfg: AgentConfig) -> None:
        camera = cfg.camera(self.camera_id)
        settings = _settings(cfg, camera, self.zone)
        if settings != self._given:
            self.apply_settings(settings)
            self._given = settings
        zone = _zone_now(cfg, camera, self.zone)
        if zone is None or zone.watched_place is None:
            self.patrol = None
        elif self.patrol is None:
            self.patrol = DailyPatrol.of(self.where, zone, cfg, self.evidence)
        else:
            self.patrol.apply(cfg, zone)


def _zone_now(cfg: AgentConfig, camera: CameraConfig, zone: ZoneConfig | None) -> ZoneConfig | None:
    if zone is None:
        return None
    return next((z for z in camera.zones if z.id == zone.id), zone)


def _settings(
    cfg: AgentConfig, camera: CameraConfig, zone: ZoneConfig | None
) -> ConstructionSettings:
    """The zone's settings (``None``: the whole frame of an ad-hoc replay: the defaults)."""
    current = _zone_now(cfg, camera, zone)
    return cfg.construction_for(current) if current is not None else cfg.defaults.construction


def _build(setup: Setup, zones: tuple[ZoneConfig, ...]) -> ConstructionRunner:
    zone = zones[0] if zones else None
    return ConstructionRunner(setup, zone, _settings(setup.cfg, setup.camera, zone))


def construction_factory(
    evidence_dir: Path | None, baseline_dir: Path | None = None
) -> Callable[[AgentConfig, CameraConfig, ZoneConfig | None], ConstructionRunner]:
    """Builds the watch of a zone (``None``: the whole frame) outside a pipeline.

    ``baseline_dir`` overrides the config's (a replay keeps its references apart).
    """

    def build(
        cfg: AgentConfig, camera: CameraConfig, zone: ZoneConfig | None
    ) -> ConstructionRunner:
        evidence = None
        if evidence_dir is not None:
            evidence = EvidenceStore(
                evidence_dir, cfg.evidence.max_bytes, cfg.evidence.jpeg_quality
            )
        setup = Setup(
            cfg,
            camera,
            Origin.of_camera(cfg, camera.id),
            StreamClock(camera.id, lambda: None),  # a watch dates its incidents itself
            evidence,
            Path(baseline_dir or cfg.baseline_dir),
        )
        return _build(setup, (zone,) if zone is not None else ())

    return build


ANALYTIC = Analytic(
    name="construction_watch",
    zone_kinds=frozenset({ZoneKind.CONSTRUCTION_WATCH}),
    scope=Scope.ZONE,
    settings=ConstructionSettings,
    settings_of=_settings,
    # every analysed frame: the watch gathers its backgrounds by its own stream-time rules
    needs=Needs(image=True, classes=None),  # people and vehicles are masked out
    # patrol_check: the daily patrol of a zone that is a watched place (daily.py)
    emits=frozenset(
        {IncidentKind.CONSTRUCTION_CHANGE, IncidentKind.TAMPER, IncidentKind.PATROL_CHECK}
    ),
    build=_build,
)
