"""``edge-agent eval …``: how far the agent's numbers are from what a person sees."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from edge_agent.cli.common import console, library_errors, print_table
from edge_agent.config import load
from edge_agent.config.models import ConstructionSettings, ModelConfig
from edge_agent.errors import ConfigError

app = typer.Typer(help="Score counts and scenarios against hand labels.", no_args_is_help=True)

JsonOption = Annotated[Path | None, typer.Option("--json", help="Also write the results here.")]


def _settings(text: str) -> list[str]:
    from edge_agent.evaluate.counts import SETTINGS

    chosen = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in chosen if s not in SETTINGS]
    if bad or not chosen:
        raise ConfigError(
            "--slicing", [("--slicing", text, f"comma list of {', '.join(SETTINGS)}")]
        )
    return chosen


@app.command("counts")
def counts(
    video: Annotated[Path, typer.Argument(help="Video whose frames were counted by hand.")],
    labels: Annotated[Path, typer.Option(help="CSV t_s,count,split[,…] of hand counts.")],
    model: Annotated[
        list[Path] | None,
        typer.Option(
            help="ONNX model (kind read off the graph); repeat to compare. Default: shipped."
        ),
    ] = None,
    slicing: Annotated[
        str, typer.Option(help="Settings to compare: off, on, auto.")
    ] = "off,on,auto",
    split: Annotated[
        str | None, typer.Option(help="Only labels of this split (e.g. report).")
    ] = None,
    confidence: Annotated[
        float | None,
        typer.Option(help="Minimum score (default: the model config's).", min=0.01, max=1),
    ] = None,
    json_out: JsonOption = None,
) -> None:
    """Error per labelled frame, MAE and MAPE per model and slicing setting."""
    from edge_agent.evaluate.counts import evaluate_counts, summarise

    models = model or [Path(ModelConfig().path)]
    with library_errors():
        rows = evaluate_counts(video, labels, models, _settings(slicing), split, confidence)
    summaries = summarise(rows)
    _print_counts(summaries)
    if json_out is not None:
        doc = {
            "video": str(video),
            "labels": str(labels),
            "summaries": [asdict(s) for s in summaries],
            "frames": [asdict(r) | {"error": r.error} for r in rows],
        }
        json_out.write_text(json.dumps(doc, indent=1))


def _print_counts(summaries) -> None:
    table = Table(title="counts against hand labels")
    for col in ("model", "slicing", "split", "frames", "MAE", "MAPE %", "bias", "ms/frame"):
        table.add_column(col, justify="left" if col in ("model", "slicing", "split") else "right")
    for s in sorted(summaries, key=lambda s: (s.split != "all", s.split, s.model, s.setting)):
        mape = "-" if s.mape is None else f"{s.mape:.1f}"
        table.add_row(
            s.model, s.setting, s.split, str(s.frames), f"{s.mae:.2f}", mape,
            f"{s.bias:+.2f}", f"{s.ms_per_frame:.1f}",
        )  # fmt: skip
    print_table(table)


@app.command("scenario")
def scenario(
    video: Annotated[Path, typer.Argument(help="Scenario video (scripts/make_scenario.py).")],
    truth: Annotated[Path, typer.Option(help="Its ground-truth JSON (written beside it).")],
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Take model and construction defaults from here."),
    ] = None,
    background_frames: Annotated[
        int | None, typer.Option(help="Override construction.background_frames.", min=1)
    ] = None,
    json_out: JsonOption = None,
) -> None:
    """Found, missed and false structures and tamper, IoU, area error, time to detection."""
    from edge_agent.detect.detector import PROJECT_ROOT, build_detector
    from edge_agent.evaluate.run_scenario import run_scenario, scenario_config
    from edge_agent.evaluate.scenario import load_truth

    with library_errors():
        base = load(config) if config else None
        settings = base.defaults.construction if base else ConstructionSettings()
        if background_frames is not None:
            settings = settings.model_copy(update={"background_frames": background_frames})
        gt = load_truth(truth)
        cfg = scenario_config(video, gt, settings, base)
        detector = build_detector(cfg.model, config.parent if config else PROJECT_ROOT)
        score, frames = run_scenario(video, gt, cfg, detector)
    doc = score.to_json()
    console.print(f"{video.name}: {frames} frames analysed")
    table = Table(title="scenario against truth")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in doc.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        table.add_row(key, shown)
    console.print(table)
    if json_out is not None:
        json_out.write_text(json.dumps({"video": str(video), "truth": str(truth)} | doc, indent=1))
