"""The ``--sweep`` mode of ``edge-agent replay``: one table row per threshold setting."""

from __future__ import annotations

import json
from pathlib import Path

from rich.table import Table

from edge_agent.cli.common import console, print_table
from edge_agent.config import AgentConfig
from edge_agent.evaluate.expected import load_expected
from edge_agent.evaluate.run_sweep import SweepResult, run_sweep
from edge_agent.evaluate.sweep import parse_sweeps

__all__ = ["sweep"]


def sweep(
    video: Path,
    cfg: AgentConfig | None,
    camera: str | None,
    detector,
    specs: list[str],
    extra: tuple[float | None, Path | None, Path | None, Path | None],
) -> None:
    """``extra``: (fps, cache folder or None, expected-incidents CSV, JSON output)."""
    fps, cache_dir, expected_csv, json_out = extra
    grid = parse_sweeps(specs)
    expected = load_expected(expected_csv) if expected_csv else None
    result = run_sweep(video, cfg, camera, detector, grid, (fps, cache_dir, expected))
    _print(result, list(grid), expected is not None)
    if json_out is not None:
        doc = {
            "video": str(video),
            "frames": result.frames,
            "detect_s": round(result.detect_s, 3),
            "score_s": round(result.score_s, 4),
            "cached": result.cached,
            "rows": [r.to_json() for r in result.rows],
        }
        json_out.write_text(json.dumps(doc, indent=1))


def _fmt(v: float | None, digits: int = 1) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def _print(result: SweepResult, keys: list[str], with_labels: bool) -> None:
    settings = len({json.dumps(r.setting, sort_keys=True) for r in result.rows})
    how = f"read from cache {result.cache}" if result.cached else f"{result.detect_s:.1f} s"
    console.print(
        f"{result.frames} analysed frames; detection {how}; {settings} settings re-scored in "
        f"{result.score_s * 1000:.1f} ms"
    )
    table = Table(title="sweep")
    cols = keys + ["zone", "raised", "forecasts", "1st warning s"]
    cols += ["s normal", "s advisory", "s warning", "s critical"]
    cols += ["precision", "recall"] if with_labels else []
    for c in cols:
        table.add_column(c, justify="right")
    for r in result.rows:
        cells = [str(r.setting[k]) for k in keys] + [r.zone]
        if r.error:
            table.add_row(*cells, f"invalid: {r.error}", *[""] * (len(cols) - len(cells) - 1))
            continue
        cells += [str(r.raised), str(r.forecasts), _fmt(r.first_warning_s)]
        cells += [
            _fmt(r.seconds_in.get(lv)) for lv in ("normal", "advisory", "warning", "critical")
        ]
        if with_labels:
            cells += [_fmt(r.precision, 2), _fmt(r.recall, 2)]
        table.add_row(*cells)
    print_table(table)
