"""``edge-agent zones preview``: draw a camera's zones, calibration grid and detections on a frame."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import cv2
import numpy as np
import typer

from edge_agent.cli.common import console, library_errors
from edge_agent.detect.auto_slicing import SlicingPlan, network_side
from edge_agent.errors import SourceError

app = typer.Typer(
    help="Check zone polygons and calibrations on a real frame.", no_args_is_help=True
)


@app.command("preview")
def preview(
    config: Annotated[Path, typer.Option("--config", "-c", help="Agent config file (YAML).")],
    camera: Annotated[str, typer.Option(help="Camera id whose zones to draw.")],
    out: Annotated[Path, typer.Option(help="PNG file to write.")],
    video: Annotated[
        Path | None, typer.Option(help="Take the frame from this file instead of the camera URL.")
    ] = None,
    at: Annotated[float, typer.Option(help="Seconds into the stream to take the frame.")] = 0.0,
    grid_m: Annotated[float, typer.Option(help="Calibration grid spacing in metres.")] = 1.0,
) -> None:
    """Write OUT: a frame of CAMERA with zones, the calibration grid and the detections drawn."""
    from edge_agent.config.load import load_for
    from edge_agent.detect import build_detector
    from edge_agent.draw import draw_detections, draw_ground_grid, draw_zone
    from edge_agent.ingest import open_source
    from edge_agent.zones.area import zone_area_m2
    from edge_agent.zones.geometry import GroundPlane

    with library_errors():
        # a preview connects to no broker; it opens the camera unless given a video
        cfg = load_for(config, needs=() if video else ("cameras",))
        try:
            cam = cfg.camera(camera)
        except KeyError as err:
            raise SourceError(str(err)) from None
        overrides: dict[str, Any] = {"url": str(video)} if video else {}
        frame = None
        with open_source(cam, **overrides) as source:
            for f in source.frames():
                frame = f
                if f.pts >= at:
                    break
        if frame is None:
            raise SourceError(f"{camera}: no frame could be read")
        detector = build_detector(cfg.model, config.parent)
        plan = SlicingPlan(cam.slicing, network_side(detector), cam.id)
        dets, _ = plan.detect(detector, frame.image, frame.pts)
    img = frame.image.copy()
    for zone in cam.zones:
        if zone.calibration is not None:
            ground = GroundPlane.from_points(
                zone.calibration.image_points, zone.calibration.ground_points_m
            )
            g = np.asarray(zone.calibration.ground_points_m)
            pad = (g.max(axis=0) - g.min(axis=0)) * 0.25  # a little beyond the measured points
            lo, hi = g.min(axis=0) - pad, g.max(axis=0) + pad
            draw_ground_grid(img, ground, (lo[0], lo[1], hi[0], hi[1]), grid_m)
        area = zone_area_m2(zone)
        label = f"{zone.id} ({zone.kind.value}" + (f", {area:.1f} m2)" if area else ")")
        draw_zone(img, np.asarray(zone.polygon, np.float32), label)
    draw_detections(img, dets)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(out), img):
        raise typer.BadParameter(f"cannot write {out}", param_hint="--out")
    console.print(
        f"{out}: frame at {frame.pts:.1f} s, {len(cam.zones)} zone(s), {len(dets)} detection(s)"
    )
