"""A camera: where its stream is, how it is decoded and reconnected, its zones and overrides."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from edge_agent.config.cadence import CadenceSettings
from edge_agent.config.construction import CameraHealthSettings
from edge_agent.config.detector import SlicingConfig
from edge_agent.config.fields import Identifier
from edge_agent.config.strict import Strict
from edge_agent.config.zones import ZoneConfig

__all__ = ["DecodeMode", "ReconnectConfig", "CameraConfig"]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
"""A camera url that is a URL (rtsp://, http://…), not a file path."""


class DecodeMode(StrEnum):
    KEYFRAMES = "keyframes"
    FPS = "fps"


class ReconnectConfig(Strict):
    open_timeout_s: float = Field(10.0, gt=0, description="Give up opening a stream after this.")
    read_timeout_s: float = Field(10.0, gt=0, description="Socket read timeout.")
    stall_after_s: float = Field(15.0, gt=0, description="No frame for this long: reconnect.")
    backoff_initial_s: float = Field(1.0, gt=0, description="First wait before reconnecting.")
    backoff_max_s: float = Field(60.0, gt=0, description="Longest wait between reconnects.")
    offline_after_failures: int = Field(5, ge=1, description="Failed tries before 'offline'.")


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
