"""Pydantic models of the edge agent's YAML config: one small model per concern, unknown keys refused.

This module holds the whole file's model (:class:`AgentConfig`) and the small sections of its own;
each concern with more to it has a module beside it (``transport``, ``detector``, ``crowd``,
``zones``, ``cameras``, ``cadence``, ``construction``, ``patrol``), all re-exported here.
Parsing is pure (:func:`edge_agent.config.load.parse`); reading files lives in ``load.py``.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from edge_agent.config.cadence import BatchSettings, CadenceSettings
from edge_agent.config.cameras import CameraConfig, DecodeMode, ReconnectConfig
from edge_agent.config.construction import CameraHealthSettings, ConstructionSettings
from edge_agent.config.crowd import CrowdThresholdOverrides, CrowdThresholds
from edge_agent.config.detector import ModelConfig, ModelKind, SlicingConfig
from edge_agent.config.fields import ID_PATTERN, Identifier
from edge_agent.config.patrol import DEFAULT_TIME_ZONE, PatrolDefaults, TimeZoneName
from edge_agent.config.strict import Strict
from edge_agent.config.transport import MqttConfig, OutboxConfig, PrometheusConfig, ReceiptConfig
from edge_agent.config.zones import Calibration, ZoneConfig, ZoneKind
from edge_agent.contract.broker_config import TlsConfig
from edge_agent.contract.paths import state_path

__all__ = [
    "Strict",
    "ID_PATTERN",
    "BoxConfig",
    "TlsConfig",
    "MqttConfig",
    "ReceiptConfig",
    "OutboxConfig",
    "PrometheusConfig",
    "ModelKind",
    "ModelConfig",
    "EvidenceConfig",
    "SlicingConfig",
    "ReconnectConfig",
    "DecodeMode",
    "ZoneKind",
    "Calibration",
    "CrowdThresholds",
    "CrowdThresholdOverrides",
    "CameraHealthSettings",
    "ConstructionSettings",
    "ZoneConfig",
    "CameraConfig",
    "Defaults",
    "AgentConfig",
    "CadenceSettings",
    "BatchSettings",
]


class BoxConfig(Strict):
    site_id: Identifier = Field(..., description="Site (town center) this box reports to.")
    box_id: Identifier = Field(..., description="This edge box, unique within the site.")
    time_zone: TimeZoneName = Field(
        DEFAULT_TIME_ZONE, description="IANA zone of the box's local time (patrol windows)."
    )


class EvidenceConfig(Strict):
    dir: str = Field(
        default_factory=lambda: state_path("evidence"),
        description="Where evidence JPEGs are written (default in the state folder).",
    )
    max_bytes: int = Field(200_000, ge=10_000, le=5_000_000, description="Cap per evidence image.")
    jpeg_quality: int = Field(80, ge=20, le=100, description="Starting JPEG quality.")


class Defaults(Strict):
    thresholds: CrowdThresholds = Field(default_factory=CrowdThresholds)
    construction: ConstructionSettings = Field(default_factory=ConstructionSettings)
    health: CameraHealthSettings = Field(
        default_factory=CameraHealthSettings, description="Camera health where a camera has it on."
    )
    cadence: CadenceSettings = Field(
        default_factory=CadenceSettings, description="Adaptive analysis and change gating."
    )
    patrol: PatrolDefaults = Field(
        default_factory=PatrolDefaults, description="Daily patrol of watched places."
    )


class AgentConfig(Strict):
    box: BoxConfig
    mqtt: MqttConfig = Field(default_factory=MqttConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    evidence: EvidenceConfig = Field(default_factory=EvidenceConfig)
    prometheus: PrometheusConfig = Field(default_factory=PrometheusConfig)
    defaults: Defaults = Field(default_factory=Defaults)
    cameras: list[CameraConfig] = Field(..., min_length=1)
    audit_log: str = Field(
        default_factory=lambda: state_path("audit.jsonl"),
        description="Threshold changes are appended here (default in the state folder).",
    )
    baseline_dir: str = Field(
        default_factory=lambda: state_path("baselines"),
        description="Reference images of construction-watch zones (default in the state folder).",
    )
    # 2: under scripts/bench_rtsp.py (48 cameras, 2-core box, load ~6-11 from other work) one
    # analysis thread fell behind (0.76 keyframes/s per camera, 533 dropped, p50 3.2 s) where
    # two kept up (0.99, p50 1.0 s): inference releases the GIL, so two use both cores.
    analysis_threads: int = Field(
        2,
        ge=1,
        le=64,
        description="Threads running detection + analytics; cameras are split among them and "
        "share one model session, which runs that many inferences at once. On a box with many "
        "cores raise it and set model.threads to about cores / analysis_threads.",
    )

    batch: BatchSettings = Field(
        default_factory=BatchSettings, description="Frames of several cameras in one inference."
    )

    @model_validator(mode="after")
    def _unique_cameras(self) -> AgentConfig:
        ids = [c.id for c in self.cameras]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate camera id(s): {', '.join(dupes)}")
        return self

    def camera(self, camera_id: str) -> CameraConfig:
        for cam in self.cameras:
            if cam.id == camera_id:
                return cam
        known = ", ".join(c.id for c in self.cameras)
        raise KeyError(f"no camera {camera_id!r}; known: {known}")

    def thresholds_for(self, zone: ZoneConfig) -> CrowdThresholds:
        """Defaults merged with the zone's overrides, validated again as a whole."""
        update = zone.thresholds.model_dump(exclude_none=True)
        merged = self.defaults.thresholds.model_dump() | update
        return CrowdThresholds.model_validate(merged)

    def health_for(self, camera: CameraConfig) -> CameraHealthSettings | None:
        """Defaults merged with the camera's own keys; None where camera health is off."""
        own = camera.health.model_dump(exclude_unset=True) if camera.health is not None else {}
        merged = CameraHealthSettings.model_validate(self.defaults.health.model_dump() | own)
        return merged if merged.enabled else None

    def cadence_for(self, camera: CameraConfig) -> CadenceSettings:
        """Defaults merged with the keys the camera sets itself, validated again as a whole."""
        if camera.cadence is None:
            return self.defaults.cadence
        own = camera.cadence.model_dump(exclude_unset=True)
        return CadenceSettings.model_validate(self.defaults.cadence.model_dump() | own)

    def construction_for(self, zone: ZoneConfig) -> ConstructionSettings:
        """Defaults merged with the keys the zone sets itself (not its built-in defaults); a
        stop-work household's then sharpened by ``defaults.patrol.stop_work``."""
        if zone.construction is None and not zone.stop_work:
            return self.defaults.construction
        own = zone.construction.model_dump(exclude_unset=True) if zone.construction else {}
        merged = self.defaults.construction.model_dump() | own
        if zone.stop_work:
            merged = self.defaults.patrol.stop_work.sharpen(merged)
        return ConstructionSettings.model_validate(merged)

    def patrol_window_for(self, zone: ZoneConfig) -> str:
        """The zone's patrol window, else the box's default."""
        own = zone.patrol.window if zone.patrol is not None else None
        return own or self.defaults.patrol.window
