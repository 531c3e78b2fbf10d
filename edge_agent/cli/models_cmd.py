"""``edge-agent models …``: inspect ONNX models and export a user's own YOLO weights."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from edge_agent.cli.common import console, err_console, library_errors
from edge_agent.config.models import ModelKind
from edge_agent.detect.adapters import fitting_kinds
from edge_agent.detect.session import ModelSpec, open_session

app = typer.Typer(
    help="Inspect detection models; export your own YOLO weights.", no_args_is_help=True
)

EXPORT_HINT = (
    "ultralytics is not installed: install the optional 'export' extra, "
    "pip install 'gridwatch[export]' (better in a separate venv). Install PyTorch's CPU build "
    "first, or pip pulls a CUDA build of several GB."
)


def _table(spec: ModelSpec) -> Table:
    table = Table(title=spec.path)
    for column in ("", "name", "type", "shape"):
        table.add_column(column)
    for role, tensors in (("input", spec.inputs), ("output", spec.outputs)):
        for t in tensors:
            shape = "[" + ", ".join("?" if d is None else str(d) for d in t.shape) + "]"
            table.add_row(role, t.name, t.dtype, shape)
    return table


@app.command("info")
def info(
    model: Annotated[Path, typer.Argument(help="ONNX model file to inspect.")],
) -> None:
    """Print MODEL's inputs and outputs and which adapter kind (ssd_tf, yolo, yolox) fits it."""
    with library_errors():
        spec = open_session(model, ["CPUExecutionProvider"], 1).spec
    console.print(_table(spec))
    verdicts = fitting_kinds(spec)
    fits = [kind.value for kind, why in verdicts.items() if not why]
    if not fits:
        err_console.print(f"[red]no adapter kind fits {model}[/red]; reasons:", markup=True)
        for kind, why in verdicts.items():
            err_console.print(f"  {kind.value}: {why}", markup=False, highlight=False)
        raise typer.Exit(1)
    line = f"fits kind: {', '.join(fits)}  (config: model: {{path: {model}, kind: {fits[0]}}})"
    console.print(line, soft_wrap=True)


@app.command("export")
def export(
    weights: Annotated[Path, typer.Argument(help="ultralytics YOLOv8/11 weights (.pt) to export.")],
    imgsz: Annotated[int, typer.Option(help="Square network input size in pixels.", min=32)] = 640,
    out: Annotated[
        Path | None, typer.Option(help="Where to write the ONNX file (default: beside WEIGHTS).")
    ] = None,
    opset: Annotated[int | None, typer.Option(help="ONNX opset (default: ultralytics').")] = None,
) -> None:
    """Export WEIGHTS to ONNX with ultralytics and check the result against the 'yolo' adapter."""
    try:
        from ultralytics import YOLO  # optional extra: imported only here
    except ImportError:
        err_console.print(EXPORT_HINT, markup=False, highlight=False)
        raise typer.Exit(2) from None
    if not weights.is_file():
        err_console.print(f"error: weights file not found: {weights}", markup=False)
        raise typer.Exit(2)
    options = {"format": "onnx", "imgsz": imgsz} | ({"opset": opset} if opset else {})
    written = Path(YOLO(str(weights)).export(**options))
    if out is not None and out.resolve() != written.resolve():
        out.parent.mkdir(parents=True, exist_ok=True)
        written = Path(shutil.move(str(written), str(out)))
    with library_errors():
        spec = open_session(written, ["CPUExecutionProvider"], 1).spec
    why = fitting_kinds(spec)[ModelKind.YOLO]
    if why:
        err_console.print(f"error: the export does not fit kind 'yolo': {why}", markup=False)
        raise typer.Exit(1)
    console.print(_table(spec))
    line = f"wrote {written}; in the config: model: {{path: {written}, kind: yolo}}"
    console.print(line, soft_wrap=True)
