"""Pydantic models of the edge agent's YAML config: one small model per concern, unknown keys refused.

Parsing is pure (:func:`edge_agent.config.load.parse`); reading files lives in ``load.py``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from edge_agent.config.cadence import BatchSettings, CadenceSettings
from edge_agent.config.construction import CameraHealthSettings, ConstructionSettings
from edge_agent.config.patrol import (
    DEFAULT_TIME_ZONE,
    PatrolDefaults,
    TimeZoneName,
    WatchedPlaceConfig,
    ZonePatrol,
)
from edge_agent.config.strict import Strict
from edge_agent.contract.broker_config import BrokerConnection, TlsConfig
from edge_agent.contract.paths import state_path
from edge_agent.contract.patrol import PlaceKind

__all__ = [
    "Strict",
    "BoxConfig",
    "TlsConfig",
    "MqttConfig",
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

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
Identifier = Annotated[
    str, Field(pattern=ID_PATTERN, description="letters, digits, _ . - (MQTT-safe)")
]
GridCellCode = Annotated[
    str,
    Field(
        pattern=r"^(\d{15}|unassigned)$",
        description="15 digits: 6 county + 3 town + 3 community + 3 cell ('unassigned': ad-hoc replay)",
    ),
]
Point = tuple[float, float]


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
"""A camera url that is a URL (rtsp://, http://…), not a file path."""


class BoxConfig(Strict):
    site_id: Identifier = Field(..., description="Site (town center) this box reports to.")
    box_id: Identifier = Field(..., description="This edge box, unique within the site.")
    time_zone: TimeZoneName = Field(
        DEFAULT_TIME_ZONE, description="IANA zone of the box's local time (patrol windows)."
    )


class OutboxConfig(Strict):
    path: str = Field(
        default_factory=lambda: state_path("outbox.sqlite"),
        description="SQLite file of the durable outbox (default in $GRIDWATCH_STATE_DIR or var/).",
    )
    max_mb: float = Field(
        512.0, gt=0, description="Disk cap; evidence is dropped before incidents."
    )


class ReceiptConfig(Strict):
    enabled: bool = Field(
        True,
        description="Keep each incident until the collector's receipt (off: until the broker's "
        "PUBACK only, for a collector older than receipts).",
    )
    timeout_s: float = Field(
        30.0, ge=0.1, le=3600, description="Seconds without a receipt before the first resend."
    )
    max_backoff_s: float = Field(
        600.0, ge=0.1, le=86400, description="Cap of the doubling wait between resends."
    )


class MqttConfig(BrokerConnection):
    """The box's broker: the shared connection fields, plus what only the agent needs."""

    client_id: str | None = Field(
        None, description="MQTT client id; default gridwatch-<site>-<box>."
    )
    signing_key_file: str | None = Field(None, description="Box key that signs each incident.")
    outbox: OutboxConfig = Field(default_factory=OutboxConfig, description="Durable outbox.")
    receipts: ReceiptConfig = Field(
        default_factory=ReceiptConfig, description="End-to-end receipts from the collector."
    )
    metrics_interval_s: float = Field(
        30.0, ge=1, le=3600, description="Seconds between metrics messages."
    )


class PrometheusConfig(Strict):
    """The agent's Prometheus endpoint (``/metrics``); off unless a port is given."""

    host: str = Field("127.0.0.1", min_length=1, description="Address to listen on.")
    port: int | None = Field(
        None, ge=0, le=65535, description="TCP port (e.g. 9464); 0: any free port; none: off."
    )


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


class EvidenceConfig(Strict):
    dir: str = Field(
        default_factory=lambda: state_path("evidence"),
        description="Where evidence JPEGs are written (default in the state folder).",
    )
    max_bytes: int = Field(200_000, ge=10_000, le=5_000_000, description="Cap per evidence image.")
    jpeg_quality: int = Field(80, ge=20, le=100, description="Starting JPEG quality.")


class SlicingConfig(Strict):
    tile: int = Field(416, ge=64, le=4096, description="Square tile side in pixels.")
    overlap: float = Field(0.2, ge=0, lt=0.9, description="Overlap between tiles (fraction).")
    full_frame: bool = Field(True, description="Also run the whole frame (large people).")


class ReconnectConfig(Strict):
    open_timeout_s: float = Field(10.0, gt=0, description="Give up opening a stream after this.")
    read_timeout_s: float = Field(10.0, gt=0, description="Socket read timeout.")
    stall_after_s: float = Field(15.0, gt=0, description="No frame for this long: reconnect.")
    backoff_initial_s: float = Field(1.0, gt=0, description="First wait before reconnecting.")
    backoff_max_s: float = Field(60.0, gt=0, description="Longest wait between reconnects.")
    offline_after_failures: int = Field(5, ge=1, description="Failed tries before 'offline'.")


class DecodeMode(StrEnum):
    KEYFRAMES = "keyframes"
    FPS = "fps"


class ZoneKind(StrEnum):
    ALLEY = "alley"
    BRIDGE = "bridge"
    SQUARE = "square"
    CONSTRUCTION_WATCH = "construction_watch"


class Calibration(Strict):
    """Four image points and where they lie on the ground, in metres."""

    image_points: list[Point] = Field(..., min_length=4, max_length=4, description="Pixels.")
    ground_points_m: list[Point] = Field(..., min_length=4, max_length=4, description="Metres.")


class CrowdThresholds(Strict):
    """Crowd levels and timing. Densities in persons/m² (Fruin/HCM walkway LOS)."""

    advisory_density: float = Field(1.08, gt=0, description="LOS E starts above this.")
    warning_density: float = Field(2.17, gt=0, description="LOS F starts above this.")
    critical_density: float = Field(4.0, gt=0, description="Critical at and above this.")
    advisory_count: int = Field(15, ge=1, description="Count level for zones without an area.")
    warning_count: int = Field(30, ge=1, description="Count level for zones without an area.")
    critical_count: int = Field(60, ge=1, description="Count level for zones without an area.")
    smoothing_window_s: float = Field(10.0, ge=0, description="Stream-time smoothing window.")
    raise_after_s: float = Field(10.0, ge=0, description="A level must hold this long to raise.")
    clear_after_s: float = Field(30.0, ge=0, description="Below the clear margin this long: clear.")
    clear_margin: float = Field(0.1, ge=0, lt=1, description="Fraction below a level to clear it.")
    cooldown_s: float = Field(60.0, ge=0, description="After a clear, no re-open for this long.")
    update_interval_s: float = Field(30.0, ge=0, description="Throttle of 'updated' events.")
    forecast_window_s: float = Field(120.0, gt=0, description="Trend fitted over this window.")
    forecast_horizon_s: float = Field(600.0, gt=0, description="Warn if crossing within this.")
    forecast_min_points: int = Field(5, ge=2, description="Points needed to fit a trend.")

    @model_validator(mode="after")
    def _ordered(self) -> CrowdThresholds:
        if not self.advisory_density < self.warning_density < self.critical_density:
            raise ValueError("need advisory_density < warning_density < critical_density")
        if not self.advisory_count < self.warning_count < self.critical_count:
            raise ValueError("need advisory_count < warning_count < critical_count")
        return self


class CrowdThresholdOverrides(Strict):
    """Per-zone overrides; a missing key takes the default."""

    advisory_density: float | None = Field(None, gt=0)
    warning_density: float | None = Field(None, gt=0)
    critical_density: float | None = Field(None, gt=0)
    advisory_count: int | None = Field(None, ge=1)
    warning_count: int | None = Field(None, ge=1)
    critical_count: int | None = Field(None, ge=1)
    smoothing_window_s: float | None = Field(None, ge=0)
    raise_after_s: float | None = Field(None, ge=0)
    clear_after_s: float | None = Field(None, ge=0)
    clear_margin: float | None = Field(None, ge=0, lt=1)
    cooldown_s: float | None = Field(None, ge=0)
    update_interval_s: float | None = Field(None, ge=0)
    forecast_window_s: float | None = Field(None, gt=0)
    forecast_horizon_s: float | None = Field(None, gt=0)
    forecast_min_points: int | None = Field(None, ge=2)


class ZoneConfig(Strict):
    id: Identifier = Field(..., description="Zone id, unique within its camera.")
    kind: ZoneKind = Field(..., description="alley, bridge, square or construction_watch.")
    polygon: list[Point] = Field(..., min_length=3, description="Polygon in frame pixels.")
    grid_cell: GridCellCode = Field(..., description="Grid cell this zone lies in.")
    area_m2: float | None = Field(None, gt=0, description="Walkable area, if known.")
    calibration: Calibration | None = Field(None, description="Ground-plane calibration.")
    thresholds: CrowdThresholdOverrides = Field(
        default_factory=CrowdThresholdOverrides, description="Overrides of defaults.thresholds."
    )
    construction: ConstructionSettings | None = Field(
        None, description="Overrides for construction_watch zones."
    )
    watched_place: WatchedPlaceConfig | None = Field(
        None, description="A construction_watch zone patrolled daily by camera (config/patrol.py)."
    )
    patrol: ZonePatrol | None = Field(None, description="A watched place's own patrol window.")

    @model_validator(mode="after")
    def _zone_rules(self) -> ZoneConfig:
        if self.area_m2 is not None and self.calibration is not None:
            raise ValueError("give either area_m2 or calibration, not both")
        if self.watched_place is not None and self.kind is not ZoneKind.CONSTRUCTION_WATCH:
            raise ValueError(
                f"watched_place needs a construction_watch zone (its verdict compares the view "
                f"with the construction reference); this zone is {self.kind.value}"
            )
        if self.patrol is not None and self.watched_place is None:
            raise ValueError("patrol is the window of a watched place: set watched_place too")
        return self

    @property
    def stop_work(self) -> bool:
        """A stop-work household: watched with the higher construction sensitivity."""
        place = self.watched_place
        return place is not None and place.kind is PlaceKind.STOP_WORK_HOUSEHOLD


class CameraConfig(Strict):
    id: Identifier = Field(..., description="Camera id, unique within the box.")
    url: str = Field(..., min_length=1, description="rtsp:// URL or a video file path.")

    @field_validator("url")
    @classmethod
    def _url_has_a_host(cls, url: str) -> str:
        """``rtsp://`` alone would pass as a "path" and then be retried forever."""
        if _SCHEME.match(url):
            parsed = urlsplit(url)
            try:
                parsed.port  # noqa: B018 - raises on a port that is no number
            except ValueError:
                raise ValueError("the port of the URL is not a number from 0 to 65535") from None
            if not parsed.hostname:
                raise ValueError(f"a {parsed.scheme}:// URL needs a host, e.g. rtsp://10.0.0.5/s1")
        return url

    decode: DecodeMode = Field(DecodeMode.KEYFRAMES, description="keyframes or fps.")
    fps: float | None = Field(None, gt=0, le=60, description="Analysed frames/s when decode=fps.")
    slicing: SlicingConfig | Literal["auto", "off"] | None = Field(
        "auto",
        description="Tiled inference for small people: auto (tiles when the frame is much larger "
        "than the network input and people are small in it), off, or {tile, overlap, full_frame}.",
    )
    reconnect: ReconnectConfig = Field(default_factory=ReconnectConfig, description="Reconnects.")
    zones: list[ZoneConfig] = Field(default_factory=list, description="Zones in this view.")
    health: CameraHealthSettings | None = Field(
        None,
        description="Camera health (tamper) overrides of defaults.health; absent: the defaults "
        "(on for every camera); {enabled: false} turns it off.",
    )
    cadence: CadenceSettings | None = Field(
        None, description="How often this camera is analysed: overrides of defaults.cadence."
    )

    @model_validator(mode="after")
    def _fps_rules(self) -> CameraConfig:
        if self.decode is DecodeMode.FPS and self.fps is None:
            raise ValueError("decode: fps needs an fps value")
        if self.decode is DecodeMode.KEYFRAMES and self.fps is not None:
            raise ValueError("fps is only used with decode: fps")
        ids = [z.id for z in self.zones]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate zone id(s): {', '.join(dupes)}")
        return self


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
