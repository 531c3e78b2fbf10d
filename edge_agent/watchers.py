"""Builds the construction watch of a zone for the pipeline, sharing one comparator model."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from edge_agent.config.models import AgentConfig, CameraConfig, ZoneConfig
from edge_agent.incidents.evidence import EvidenceStore
from edge_agent.pipeline import ObjectWatcher

__all__ = ["CHANGE_MODEL", "construction_factory"]

CHANGE_MODEL = Path(__file__).resolve().parents[1] / "models" / "change_structural.onnx"


@cache
def _comparator(path: Path, threads: int):
    from edge_agent.construction.comparator import Comparator

    return Comparator(path, threads=threads)


def construction_factory(
    evidence_dir: Path | None, baseline_dir: Path | None = None
) -> Callable[[AgentConfig, CameraConfig, ZoneConfig | None], ObjectWatcher]:
    """A factory the pipeline calls once per construction-watch zone (None: whole frame).

    The comparator is the zone's ``construction.model`` (relative: to the project root), opened
    once per file and shared.

    ``baseline_dir`` overrides the config's (a replay keeps its references apart).
    """

    def build(cfg: AgentConfig, camera: CameraConfig, zone: ZoneConfig | None) -> ObjectWatcher:
        from edge_agent.construction.watch import ConstructionWatch
        from edge_agent.detect.detector import PROJECT_ROOT, resolve_model_path

        settings = cfg.construction_for(zone) if zone is not None else cfg.defaults.construction
        evidence = None
        if evidence_dir is not None:
            evidence = EvidenceStore(
                evidence_dir, cfg.evidence.max_bytes, cfg.evidence.jpeg_quality
            )
        return ConstructionWatch(
            cfg.box.site_id,
            cfg.box.box_id,
            camera.id,
            zone,
            settings,
            _comparator(resolve_model_path(settings.model, PROJECT_ROOT), 1),
            evidence,
            baseline_dir or cfg.baseline_dir,
        )

    return build
