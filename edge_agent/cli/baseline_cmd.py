"""``edge-agent baseline capture|show|accept``: reference images of construction-watch zones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import cv2
import numpy as np
import typer
from rich.table import Table

from edge_agent.analytics.construction_watch.background import Lighting
from edge_agent.analytics.construction_watch.capture import CaptureRequest, capture, watch_zones
from edge_agent.analytics.construction_watch.reference import ReferenceStore
from edge_agent.analytics.construction_watch.watch import WHOLE_FRAME_ZONE
from edge_agent.cli.common import console, library_errors
from edge_agent.config import AgentConfig
from edge_agent.config.load import load_for
from edge_agent.errors import BaselineError

app = typer.Typer(
    help="Reference images of construction-watch zones: capture, show, accept (audited).",
    no_args_is_help=True,
)

CameraArg = Annotated[str, typer.Argument(help="Camera id in the config.")]
ZoneArg = Annotated[
    str | None,
    typer.Argument(help="Construction-watch zone id; default: all (or 'frame' = whole view)."),
]
ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="Agent config (YAML).")]
VideoOpt = Annotated[
    str | None, typer.Option("--video", help="Video file or URL instead of the camera's URL.")
]
DirOpt = Annotated[
    Path | None, typer.Option("--baseline-dir", help="Reference store; default: the config's.")
]
FramesOpt = Annotated[int, typer.Option(min=1, max=60, help="Frames in the median.")]
SpacingOpt = Annotated[float, typer.Option(min=0, help="Min stream seconds between frames.")]
LightingOpt = Annotated[
    Lighting | None, typer.Option(help="Store for this lighting; default: by brightness.")
]
DetectOpt = Annotated[
    bool, typer.Option("--detect/--no-detect", help="Mask people/vehicles with the detector.")
]
ByOpt = Annotated[str | None, typer.Option("--by", help="Who does this (audit); default: login.")]


def _detect(cfg: AgentConfig, config: Path, enabled: bool):
    if not enabled:
        return None
    from edge_agent.detect.detector import build_detector

    return build_detector(cfg.model, config.parent).detect


def _run(cfg: AgentConfig, config: Path, req: CaptureRequest, base: Path | None, det: bool):
    refs = capture(cfg, req, base or Path(cfg.baseline_dir), _detect(cfg, config, det))
    for zone_id, ref in refs:
        console.print(
            f"{req.camera_id}/{zone_id}: {req.action} {ref.lighting.value} reference, "
            f"{ref.frames} frame(s), brightness {ref.brightness:.0f}, sha256 {ref.sha256[:12]}"
        )


@app.command("capture")
def capture_cmd(
    camera: CameraArg,
    zone: ZoneArg = None,
    config: ConfigOpt = Path("agent.yaml"),
    video: VideoOpt = None,
    frames: FramesOpt = 9,
    spacing_s: SpacingOpt = 20.0,
    lighting: LightingOpt = None,
    detect: DetectOpt = True,
    baseline_dir: DirOpt = None,
    by: ByOpt = None,
) -> None:
    """Build a reference (temporal median, people and vehicles masked) and store it."""
    with library_errors():
        cfg = load_for(config, needs=("cameras",))  # opens cameras, never the broker
        req = CaptureRequest(camera, zone, video, frames, spacing_s, lighting, "capture", by)
        _run(cfg, config, req, baseline_dir, detect)


@app.command("accept")
def accept_cmd(
    camera: CameraArg,
    zone: ZoneArg = None,
    config: ConfigOpt = Path("agent.yaml"),
    note: Annotated[str, typer.Option(help="Why (case number, demolished, legalised).")] = "",
    video: VideoOpt = None,
    frames: FramesOpt = 9,
    spacing_s: SpacingOpt = 20.0,
    lighting: LightingOpt = None,
    detect: DetectOpt = True,
    baseline_dir: DirOpt = None,
    by: ByOpt = None,
) -> None:
    """Replace the reference once a case is settled; a running watch picks it up and resets."""
    with library_errors():
        cfg = load_for(config, needs=("cameras",))  # opens cameras, never the broker
        req = CaptureRequest(
            camera, zone, video, frames, spacing_s, lighting, "accept", by, note or None
        )
        _run(cfg, config, req, baseline_dir, detect)


@app.command("show")
def show_cmd(
    camera: CameraArg,
    zone: ZoneArg = None,
    config: ConfigOpt = Path("agent.yaml"),
    baseline_dir: DirOpt = None,
    export: Annotated[
        Path | None, typer.Option(help="Write each reference as <camera>-<zone>-<light>.png here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    history: Annotated[int, typer.Option(min=0, help="Audit lines to show per zone.")] = 5,
) -> None:
    """Print the stored references (and recent audit lines); optionally export them as PNG."""
    with library_errors():
        cfg = load_for(config, needs=("cameras",))  # opens cameras, never the broker
        base = baseline_dir or Path(cfg.baseline_dir)
        rows, audit = [], []
        for z in watch_zones(cfg, camera, zone):
            zone_id = z.id if z is not None else WHOLE_FRAME_ZONE
            store = ReferenceStore(base, camera, zone_id)
            for bucket, ref in store.load_all().items():
                rows.append(_row(camera, zone_id, ref))
                if export is not None:
                    _export(export / f"{camera}-{zone_id}-{bucket.value}.png", ref.image)
            audit += store.history()[-history:] if history else []
    if as_json:
        console.print_json(json.dumps({"references": rows, "audit": audit}))
        return
    table = Table(
        "zone", "lighting", "taken (stream time)", "frames", "brightness", "size", "sha256"
    )
    for r in rows:
        table.add_row(
            str(r["zone"]),
            str(r["lighting"]),
            str(r["taken_at"] or f"pts {r['pts']:.0f} s"),
            str(r["frames"]),
            f"{r['brightness']:.0f}",
            str(r["size"]),
            str(r["sha256"])[:12],
        )
    console.print(table if rows else f"no reference stored for {camera} under {base}")
    for line in audit:
        console.print(
            f"{line['at']} {line['who']} {line['action']} {line['zone']}/"
            f"{line['lighting']} {str(line['old_sha256'])[:12]} -> "
            f"{str(line['new_sha256'])[:12]} {line.get('note') or ''}"
        )


def _export(path: Path, image: np.ndarray) -> None:
    ok, buf = cv2.imencode(".png", image)
    try:
        if not ok:
            raise OSError("PNG encoding failed")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buf.tobytes())
    except OSError as err:
        raise BaselineError(f"cannot export {path}: {err}") from None


def _row(camera: str, zone_id: str, ref) -> dict[str, object]:
    h, w = ref.image.shape[:2]
    return {
        "camera": camera,
        "zone": zone_id,
        "lighting": ref.lighting.value,
        "pts": ref.pts,
        "taken_at": ref.taken_at.isoformat() if ref.taken_at else None,
        "frames": ref.frames,
        "brightness": round(ref.brightness, 1),
        "size": f"{w}x{h}",
        "sha256": ref.sha256,
    }
