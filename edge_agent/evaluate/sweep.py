"""Re-score cached detections under every combination of crowd thresholds.

Detection is the expensive part of a replay; the alarm logic is cheap and depends only on the
people found per frame and the stream time. So a sweep detects once (:mod:`.cache`) and runs
only the zones' alarms again per setting: an operator compares twenty settings for a lane in
the time one replay takes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from pydantic import ValidationError

from edge_agent.analytics.crowd_density import ANALYTIC as CROWD_DENSITY
from edge_agent.analytics.crowd_density.zone import CrowdZone
from edge_agent.analytics.registry import serving
from edge_agent.config.models import AgentConfig, CameraConfig, CrowdThresholds
from edge_agent.contract.errors import problems_from_validation
from edge_agent.contract.incident import EventState, IncidentKind, Level
from edge_agent.errors import ConfigError
from edge_agent.evaluate.cache import DetectedFrame
from edge_agent.evaluate.expected import Episode, ExpectedIncident, match_episodes
from edge_agent.zones.area import zone_area_m2
from edge_agent.zones.geometry import PolygonZone

__all__ = ["SweepRow", "parse_sweeps", "settings_grid", "score_setting"]

LEVELS = (Level.NORMAL, Level.ADVISORY, Level.WARNING, Level.CRITICAL)


@dataclass
class SweepRow:
    """What one setting would have raised on one zone of the recording."""

    setting: dict[str, float]
    zone: str
    raised: int = 0  # crowd_density incidents opened
    forecasts: int = 0  # crowd_forecast incidents opened
    first_warning_s: float | None = None  # from the first analysed frame
    seconds_in: dict[str, float] = field(default_factory=dict)
    precision: float | None = None
    recall: float | None = None
    error: str | None = None  # the setting is not a valid threshold set
    episodes: list[Episode] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        out = {k: v for k, v in self.__dict__.items() if k != "episodes"}
        out["episodes"] = [e.__dict__ | {"level": e.level.value} for e in self.episodes]
        return out


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None
    return int(value) if value.is_integer() and "." not in text else value


def parse_sweeps(specs: list[str]) -> dict[str, list[float]]:
    """``["raise_after_s=5,10", …]`` -> ``{"raise_after_s": [5, 10]}``; bad keys name the keys."""
    grid: dict[str, list[float]] = {}
    keys = list(CrowdThresholds.model_fields)
    for spec in specs:
        key, sep, values = spec.partition("=")
        key = key.strip()
        if not sep or key not in keys:
            reason = f"need KEY=V1,V2,… with KEY one of {', '.join(keys)}"
            raise ConfigError("--sweep", [("--sweep", spec, reason)])
        try:
            grid[key] = [_number(v.strip()) for v in values.split(",") if v.strip()]
        except ValueError as err:
            raise ConfigError("--sweep", [(f"--sweep {key}", values, str(err))]) from None
        if not grid[key]:
            raise ConfigError("--sweep", [(f"--sweep {key}", values, "no values")])
    return grid


def settings_grid(grid: dict[str, list[float]]) -> list[dict[str, float]]:
    """Every combination, in the order the sweeps were given."""
    keys = list(grid)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*grid.values())]


def score_setting(
    cfg: AgentConfig,
    camera: CameraConfig,
    frames: list[DetectedFrame],
    setting: dict[str, float],
    expected: list[ExpectedIncident] | None = None,
) -> list[SweepRow]:
    """One row per crowd zone of ``camera`` for ``setting`` applied over its thresholds."""
    rows = []
    for zone in camera.zones:
        if CROWD_DENSITY not in serving(zone.kind):
            continue
        row = SweepRow(dict(setting), zone.id)
        try:
            merged = cfg.thresholds_for(zone).model_dump() | setting
            thresholds = CrowdThresholds.model_validate(merged)
        except ValidationError as err:
            problems = problems_from_validation(err, merged)
            row.error = "; ".join(f"{p[0] or 'thresholds'}: {p[2]}" for p in problems)
            rows.append(row)
            continue
        crowd = CrowdZone(
            zone.id, PolygonZone.from_points(zone.polygon), zone_area_m2(zone), thresholds
        )
        _run(crowd, frames, row)
        if expected is not None:
            mine = [e for e in expected if e.zone in (zone.id, "*")]
            row.precision, row.recall = match_episodes(row.episodes, mine)
        rows.append(row)
    return rows


def _run(zone: CrowdZone, frames: list[DetectedFrame], row: SweepRow) -> None:
    seconds = dict.fromkeys((lv.value for lv in LEVELS), 0.0)
    start = frames[0].pts if frames else 0.0
    open_episode: Episode | None = None
    for i, frame in enumerate(frames):
        metrics, events = zone.update(frame.pts, frame.people)
        for ev in events:
            if ev.kind is IncidentKind.CROWD_FORECAST:
                row.forecasts += ev.alarm.state is EventState.OPENED
                continue
            if ev.alarm.state is EventState.OPENED:
                row.raised += 1
                open_episode = Episode(ev.alarm.t, None, ev.alarm.level)
                row.episodes.append(open_episode)
            elif open_episode is not None:
                if ev.alarm.level.rank > open_episode.level.rank:
                    open_episode.level = ev.alarm.level
                if ev.alarm.state is EventState.CLEARED:
                    open_episode.end_s, open_episode = ev.alarm.t, None
            if ev.alarm.level.rank >= Level.WARNING.rank and row.first_warning_s is None:
                row.first_warning_s = round(ev.alarm.t - start, 3)
        if i + 1 < len(frames):
            seconds[metrics.level.value] = seconds.get(metrics.level.value, 0.0) + (
                frames[i + 1].pts - frame.pts
            )
    row.seconds_in = {k: round(v, 3) for k, v in seconds.items()}
