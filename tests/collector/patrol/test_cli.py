"""``collector patrol`` through typer's CliRunner on a store filed through the ingest: the day
per cell with its flags, one place over a period, clean errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from collector.cli.main import app
from collector.scheduler import Scheduler, SchedulerConfig
from edge_agent.contract.patrol import Verdict
from tests.collector.builders import center_db, local
from tests.collector.patrol.places import (
    HOTSPOT,
    HOUSEHOLD,
    construction_change,
    incident_id,
    ingest,
    patrol_check,
)

runner = CliRunner()
DAY = date(2026, 2, 17)


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The 16th: both places checked; the 17th: the household changed, the courtyard missing."""
    path = str(tmp_path_factory.mktemp("patrol") / "c.sqlite")
    db = center_db(path)
    at = local(2026, 2, 17, 10, 0)
    for place in (HOTSPOT, HOUSEHOLD):
        ingest(db, patrol_check(place, date(2026, 2, 16), Verdict.UNCHANGED), at)
    change = construction_change(HOUSEHOLD, local(2026, 2, 17, 9, 30))
    ingest(db, change, at)
    ingest(db, patrol_check(HOUSEHOLD, DAY, Verdict.CHANGED, change_id=incident_id(change)), at)
    db.close()
    Scheduler(path, SchedulerConfig(), clock=lambda: local(2026, 2, 17, 12, 30)).run_once()
    return path


def test_the_day_per_cell_with_verdicts_and_flags(db_path: str) -> None:
    out = run("patrol", "--db", db_path, "--day", "2026-02-17")
    assert "patrol of 2026-02-17: 2 cell(s), 2 place(s), 1 flag(s)" in out
    assert "330421101002005" in out and "missing !" in out
    assert "changed" in out and "西塘违建〔2026〕12号" in out
    doc = json.loads(run("patrol", "--db", db_path, "--day", "2026-02-17", "--json"))
    verdicts = {p["place"]: p["verdict"] for c in doc["cells"] for p in c["places"]}
    assert verdicts == {
        "xitang/build-01/courtyard": "missing",
        "xitang/build-02/house-7": "changed",
    }
    [household] = [p for c in doc["cells"] for p in c["places"] if p["verdict"] == "changed"]
    show = json.loads(
        run("tickets", "show", str(household["ticket_id"]), "--db", db_path, "--json")
    )
    assert (show["category"], show["case_number"]) == ("9004", "西塘违建〔2026〕12号")
    assert "case number 西塘违建〔2026〕12号" in run(
        "tickets", "show", str(household["ticket_id"]), "--db", db_path
    )
    one = json.loads(
        run("patrol", "--db", db_path, "--day", "2026-02-17", "--cell", "330421101003", "--json")
    )
    assert [c["cell"] for c in one["cells"]] == ["330421101003002"]


def test_one_place_over_a_period(db_path: str) -> None:
    out = run(
        "patrol",
        "place",
        "xitang/build-01/courtyard",
        "--db",
        db_path,
        "--day",
        "2026-02-17",
        "--days",
        "3",
    )
    assert "patrol of xitang/build-01/courtyard: 2 day(s), 1 flag(s)" in out
    doc = json.loads(
        run(
            "patrol",
            "place",
            "xitang/build-01/courtyard",
            "--db",
            db_path,
            "--day",
            "2026-02-17",
            "--days",
            "3",
            "--json",
        )
    )
    assert [(d["day"], d["verdict"]) for d in doc["days"]] == [  # first heard of on the 16th
        ("2026-02-16", "unchanged"),
        ("2026-02-17", "missing"),
    ]
    assert doc["days"][0]["evidence"][0]["role"] == "after"


def test_bad_input_is_a_clear_error(db_path: str, tmp_path: Path) -> None:
    assert "--day '17.2.2026': not a date" in run(
        "patrol", "--db", db_path, "--day", "17.2.2026", code=2
    )
    assert "name it SITE/CAMERA/ZONE" in run(
        "patrol", "place", "courtyard", "--db", db_path, code=2
    )
    assert "no watched place xitang/x/y" in run(
        "patrol", "place", "xitang/x/y", "--db", db_path, code=2
    )
    assert "no collector store" in run("patrol", "--db", str(tmp_path / "none.sqlite"), code=2)


def test_every_patrol_command_and_option_has_help() -> None:
    group = typer.main.get_command(app).commands["patrol"]  # type: ignore[attr-defined]
    for cmd in [group, *group.commands.values()]:
        assert (cmd.help or "").strip()
        for param in cmd.params:
            if getattr(param, "param_type_name", "") == "option":
                assert (param.help or "").strip(), f"{cmd.name} {param.opts} has no help"
