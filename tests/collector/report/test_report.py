"""The thematic report of a generated quarter, its figures checked against ``collector stats``."""

from __future__ import annotations

import base64
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from collector.cli.main import app
from tests.collector.builders import center_db, example_center
from tests.collector.report.htmlread import Shown, read_report
from tests.collector.report.quarter import END, PERIOD, generate_quarter

N = 300


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict]:
    """(store, rendered HTML, ``collector stats --json`` as of the quarter's end)."""
    root = tmp_path_factory.mktemp("report")
    db_path, out = root / "collector.sqlite", root / "q3.html"
    db = center_db(str(db_path))
    generate_quarter(db, example_center()[0], N, seed=5)
    db.close()
    runner = CliRunner()
    args = ["report", "--period", PERIOD, "--out", str(out), "--db", str(db_path), "--lang", "en"]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    stats = runner.invoke(
        app,
        ["stats", "--period", PERIOD, "--as-of", END.isoformat(), "--json", "--db", str(db_path)],
    )
    assert stats.exit_code == 0, stats.output
    return db_path, out.read_text(encoding="utf-8"), json.loads(stats.output)


def _pct(text: str) -> float:
    return float(text.rstrip("%")) / 100


def _near(shown: str, value: float | None) -> bool:
    return value is None if shown == "n/a" else abs(_pct(shown) - value) <= 0.0006


def test_summary_matches_collector_stats(quarter: tuple[Path, str, dict]) -> None:
    _, html, stats = quarter
    summary, _ = read_report(html)
    f = stats["overall"]
    assert f["received"] == N
    assert int(summary["cases received"]) == f["received"]
    assert int(summary["solved (closed)"]) == f["solved"]
    assert int(summary["in progress"]) == f["in_progress"]
    assert int(summary["cases due to close"]) == f["due_to_close"]
    assert (
        summary["suspended / returned / void"]
        == f"{f['suspended']} / {f['returned']} / {f['void']}"
    )
    assert _near(summary["completion rate (solved ÷ received)"], f["completion_rate"])
    assert _near(summary["closure rate"], f["closure_rate"])
    assert _near(summary["on-time closure rate"], f["on_time_closure_rate"])


def test_category_table_matches_collector_stats(quarter: tuple[Path, str, dict]) -> None:
    _, html, stats = quarter
    table = read_report(html)[1]["Cases by category"]
    by = stats["by"]["category"]
    assert [r[0].split()[0] for r in table.rows] == sorted(by)
    for row in table.rows:
        f = by[row[0].split()[0]]
        assert [int(x) for x in row[1:4]] == [f["received"], f["solved"], f["in_progress"]]
        assert _near(row[4], f["completion_rate"]) and _near(row[5], f["on_time_closure_rate"])


def test_league_table_has_the_unit_scores(quarter: tuple[Path, str, dict]) -> None:
    _, html, stats = quarter
    table = read_report(html)[1]["Unit league table (100-point score)"]
    names = {u.id: u.name for u in example_center()[0].units}
    expected = sorted(stats["scores"], key=lambda s: (-s["total"], s["unit"]))
    assert [r[1] for r in table.rows] == [names[s["unit"]] for s in expected]
    assert [float(r[6]) for r in table.rows] == pytest.approx(
        [s["total"] for s in expected], abs=0.051
    )
    assert all(0 <= float(r[6]) <= 100 for r in table.rows)
    assert [int(r[0]) for r in table.rows] == list(range(1, len(expected) + 1))


def test_overdue_and_returned_counts_match_collector_stats(quarter: tuple[Path, str, dict]) -> None:
    _, html, stats = quarter
    sections = read_report(html)[1]
    f = stats["overall"]
    late = f["due_to_close"] - f["closed_on_time"]
    assert late > 0
    assert sections["Overdue tickets"].notes[0].startswith(f"{late} cases not closed on time")
    closed_late = sum(r[5] == "closed late" for r in sections["Overdue tickets"].rows)
    assert closed_late <= f["solved"] - f["closed_on_time"]
    returned = sections["Returned tickets"]
    assert returned.notes[0].startswith(f"{f['returned']} cases were still back at the center")
    assert sum(r[6] == "returned" for r in returned.rows) == f["returned"]


def test_hotspots_recount_from_the_tickets_command(quarter: tuple[Path, str, dict]) -> None:
    db_path, html, _ = quarter
    env = {"GRIDWATCH_DB": str(db_path)}
    listed = CliRunner().invoke(app, ["tickets", "list", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    tickets = json.loads(listed.output)
    tickets = tickets if isinstance(tickets, list) else tickets["tickets"]
    tz = example_center()[0].calendar.tz()
    from datetime import datetime

    def week(t: dict) -> str:
        y, w, _ = datetime.fromisoformat(t["received_at"]).astimezone(tz).isocalendar()
        return f"{y}-W{w:02d}"

    counts = Counter((t["category"], t["grid_cell"], week(t)) for t in tickets)
    rows = read_report(html)[1]["Hotspots: category × cell × week"].rows
    assert rows
    for row in rows:
        cell = row[1].rsplit("(", 1)[1].rstrip(")")
        assert counts[(row[0].split()[0], cell, row[2])] == int(row[3]) >= 3
    assert len(rows) == min(40, sum(n >= 3 for n in counts.values()))


def test_every_section_explains_itself_and_charts_are_pngs(quarter: tuple[Path, str, dict]) -> None:
    _, html, stats = quarter
    sections = read_report(html)[1]
    assert len(sections) == 7
    for shown in sections.values():
        assert shown.explain.endswith(".") and len(shown.explain.split()) >= 12, shown.title
    trend: Shown = sections["Trends by week"]
    assert len(trend.images) == 3
    for uri in trend.images:
        assert uri.startswith("data:image/png;base64,")
        image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
        assert image.format == "PNG" and image.width > 400
    assert "@page" in html and "@media print" in html
    assert stats["overall"]["received"] == N


def test_an_empty_period_renders_and_says_so(quarter: tuple[Path, str, dict]) -> None:
    db_path, _, _ = quarter
    out = db_path.parent / "empty.html"
    done = CliRunner().invoke(
        app,
        ["report", "--period", "2025-Q1", "--out", str(out), "--db", str(db_path), "--lang", "en"],
    )
    assert done.exit_code == 0, done.output
    summary, sections = read_report(out.read_text(encoding="utf-8"))
    assert summary["cases received"] == "0"
    assert sections["Hotspots: category × cell × week"].notes == [
        "Nothing to report for this period."
    ]
    assert len(sections["Trends by week"].images) == 3


@pytest.mark.parametrize("period", ["2026-Q5", "last quarter"])
def test_a_bad_period_is_a_clean_error(quarter: tuple[Path, str, dict], period: str) -> None:
    db_path, _, _ = quarter
    out = db_path.parent / "bad.html"
    done = CliRunner().invoke(
        app, ["report", "--period", period, "--out", str(out), "--db", str(db_path)]
    )
    assert done.exit_code == 2 and "not understood" in done.output and not out.exists()


def test_an_unwritable_out_is_a_clean_error(quarter: tuple[Path, str, dict]) -> None:
    db_path, _, _ = quarter
    done = CliRunner().invoke(
        app, ["report", "--period", PERIOD, "--out", str(db_path.parent), "--db", str(db_path)]
    )
    assert done.exit_code == 2 and "cannot write" in done.output
    assert isinstance(done.exception, SystemExit)
