"""The duty chief's CLI through typer's CliRunner: grid import, the workflow, escalate, stats."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from collector.cli.main import app
from collector.stats import compute_stats
from collector.store import open_store
from tests.collector.builders import GRID, center_db, example_center
from tests.collector.stats.history import generate

runner = CliRunner()
MINE = {"tickets", "grid", "stats"}


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture()
def db_path(tmp_path: Path) -> str:
    path = str(tmp_path / "c.sqlite")
    run("grid", "import", str(GRID), "--db", path)
    return path


def _commands(group, prefix: str = ""):
    for name, cmd in group.commands.items():
        yield f"{prefix}{name}", cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, f"{prefix}{name} ")


def test_every_command_and_option_has_help() -> None:
    root = typer.main.get_command(app)
    assert hasattr(root, "commands")
    mine = [(n, c) for n, c in _commands(root) if n.split()[0] in MINE]
    assert len(mine) > 15
    for name, cmd in mine:
        assert (cmd.help or "").strip(), f"{name} has no help"
        for param in cmd.params:
            if getattr(param, "param_type_name", "") == "option":
                assert (param.help or "").strip(), f"{name} {param.opts} has no help"
        assert run(*name.split(), "--help").output


def test_grid_import_check_and_problems(tmp_path: Path) -> None:
    out = run("grid", "import", str(GRID), "--check", "--db", str(tmp_path / "x.sqlite")).output
    assert "valid (20 cells)" in out
    bad = tmp_path / "grid"
    shutil.copytree(GRID.parent, bad)
    doc = json.loads((bad / "cells.geojson").read_text())
    doc["features"][1]["properties"]["code"] = doc["features"][0]["properties"]["code"]
    (bad / "cells.geojson").write_text(json.dumps(doc))
    result = run(
        "grid", "import", str(bad / "cells.geojson"), "--db", str(tmp_path / "y.sqlite"), ok=False
    )
    assert result.exit_code == 2
    assert "feature[1] (330421101001001): code also used by feature[0]" in result.output


def test_grid_listings(db_path: str) -> None:
    cells = json.loads(run("grid", "cells", "--db", db_path, "--json").output)
    assert len(cells) == 20 and cells["330421101001002"]["station"] == "station-beizha"
    cams = json.loads(run("grid", "cameras", "--db", db_path, "--json").output)
    assert [c["id"] for c in cams] == ["alley-01", "bridge-01", "build-01"]
    assert "Wolong bridge" in run("grid", "cells", "--db", db_path).output


def tickets(db_path: str, at: str, *args: str, ok: bool = True, actor: str = "wang.duty"):
    return run("tickets", "--db", db_path, "--actor", actor, "--at", at, *args, ok=ok)


def test_workflow_through_the_cli(db_path: str) -> None:
    tickets(
        db_path,
        "2015-04-30T09:00+08:00",
        "new",
        "--category",
        "0101",
        "--cell",
        "330421101002005",
        "--title",
        "new shed in the courtyard",
        "--source",
        "patrol",
    )
    tickets(db_path, "2015-04-30T09:05+08:00", "register", "1")
    out = tickets(
        db_path,
        "2015-04-30T09:10+08:00",
        "dispatch",
        "1",
        "--mode",
        "assign",
        "--unit",
        "xitang-squad",
        "--json",
    ).output
    assert json.loads(out)["due_at"] == "2015-05-06T01:10:00+00:00"  # Wed 6 May 09:10 local
    refused = tickets(db_path, "2015-04-30T09:20+08:00", "close", "1", ok=False)
    assert refused.exit_code == 2
    assert (
        "cannot 'close' in state 'dispatched'; allowed: accept, return, redispatch"
        in refused.output
    )
    tickets(db_path, "2015-04-30T10:00+08:00", "accept", "1", actor="chen.squad")
    tickets(db_path, "2015-04-30T11:00+08:00", "extend", "1", "--hours", "4", actor="chen.squad")
    tickets(db_path, "2015-04-30T11:30+08:00", "extend", "1", "--approve")
    tickets(db_path, "2015-04-30T12:00+08:00", "suspend", "1", "--note", "owner appeals")
    tickets(db_path, "2015-05-04T12:00+08:00", "resume", "1")
    tickets(
        db_path,
        "2015-05-05T10:00+08:00",
        "report",
        "1",
        "--note",
        "demolished, 6 m2",
        "--photo",
        "after.jpg",
        actor="chen.squad",
    )
    tickets(
        db_path,
        "2015-05-05T11:00+08:00",
        "verify",
        "1",
        "--fail",
        "--note",
        "roof still there",
        actor="sun.inspect",
    )
    tickets(
        db_path,
        "2015-05-05T15:00+08:00",
        "report",
        "1",
        "--note",
        "roof removed",
        actor="chen.squad",
    )
    tickets(db_path, "2015-05-05T16:00+08:00", "verify", "1", "--pass", actor="sun.inspect")
    tickets(db_path, "2015-05-05T16:30+08:00", "close", "1")
    shown = json.loads(tickets(db_path, "2015-05-06T09:00+08:00", "show", "1", "--json").output)
    assert shown["state"] == "closed" and shown["reworks"] == 1 and shown["extensions"] == 1
    assert [h["action"] for h in shown["history"]] == [
        "receive",
        "register",
        "dispatch",
        "accept",
        "request_extension",
        "approve_extension",
        "suspend",
        "resume",
        "report",
        "verify_fail",
        "report",
        "verify_pass",
        "close",
    ]
    assert {h["actor"] for h in shown["history"]} == {"wang.duty", "chen.squad", "sun.inspect"}
    assert shown["sla"]["on_time"] is True
    assert "history" in tickets(db_path, "2015-05-06T09:00+08:00", "show", "1").output


def test_list_filters_and_escalate(db_path: str) -> None:
    for cell in ("330421101001001", "330421101003002"):
        tickets(
            db_path,
            "2015-04-28T09:00+08:00",
            "new",
            "--category",
            "9102",
            "--cell",
            cell,
            "--title",
            "fire lane blocked",
        )
    tickets(db_path, "2015-04-28T09:00+08:00", "register", "2")
    tickets(
        db_path,
        "2015-04-28T09:00+08:00",
        "dispatch",
        "2",
        "--mode",
        "assign",
        "--unit",
        "fire-safety",
    )
    listed = json.loads(tickets(db_path, "2015-04-28T17:00+08:00", "list", "--json").output)
    assert [(t["id"], t["sla"]["light"]) for t in listed] == [(2, "yellow"), (1, "none")]
    assert [
        t["id"]
        for t in json.loads(
            tickets(
                db_path, "2015-04-28T17:00+08:00", "list", "--cell", "330421101003", "--json"
            ).output
        )
    ] == [2]
    assert (
        json.loads(
            tickets(
                db_path,
                "2015-04-28T17:00+08:00",
                "list",
                "--unit",
                "fire-safety",
                "--state",
                "dispatched",
                "--json",
            ).output
        )[0]["id"]
        == 2
    )
    notices = json.loads(
        run(
            "tickets", "--db", db_path, "escalate", "--now", "2015-04-29T10:00+08:00", "--json"
        ).output
    )
    assert sorted(n["kind"] for n in notices) == ["reminder", "supervision"]
    assert (
        "0 new notice(s)"
        in run("tickets", "--db", db_path, "escalate", "--now", "2015-04-29T10:00+08:00").output
    )


def test_bad_input_is_a_clean_error(db_path: str) -> None:
    missing = tickets(db_path, "2015-04-28T09:00+08:00", "show", "42", ok=False)
    assert missing.exit_code == 2 and "no ticket 42" in missing.output
    naive = tickets(db_path, "2015-04-28T09:00", "register", "1", ok=False)
    assert naive.exit_code != 0 and "time zone" in naive.output
    period = run("stats", "--db", db_path, "--period", "May", ok=False)
    assert period.exit_code == 2 and "not understood" in period.output


NEW = ("new", "--category", "0101", "--cell", "330421101002005", "--title", "shed")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("list", "--state", "bogus"), "'bogus' is not one of"),
        (("show", "99999999999999999999"), "less than or equal to"),
        (("show", "0"), "greater than or equal to 1"),
        (("duplicate", "1", "--of", "99999999999999999999"), "less than or equal to"),
        (("new", "--category", "0101", "--cell", "9" * 15, "--title", "x"), "unknown grid cell"),
    ],
)
def test_bad_ids_states_and_cells_are_clean_errors(
    db_path: str, args: tuple[str, ...], says: str
) -> None:
    result = tickets(db_path, "2015-04-28T09:00+08:00", *args, ok=False)
    assert result.exit_code == 2, result.output
    assert says in result.output and result.exception is not None
    assert isinstance(result.exception, SystemExit)


def test_a_locked_store_is_a_clean_error(db_path: str) -> None:
    tickets(db_path, "2015-04-28T09:00+08:00", *NEW)
    other = open_store(db_path)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the store past the busy timeout
    try:
        locked = tickets(db_path, "2015-04-28T09:05+08:00", "register", "1", ok=False)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert locked.exit_code == 2 and "error: store: database is locked" in locked.output
    assert isinstance(locked.exception, SystemExit)


def test_stats_json_matches_the_library(tmp_path: Path) -> None:
    path = str(tmp_path / "s.sqlite")
    db = center_db(path)
    center = example_center()[0]
    generate(db, center, {"closed": 40, "in_progress": 6, "void": 2, "suspended": 1, "returned": 1})
    args = ["stats", "--db", path, "--as-of", "2015-06-30T00:00+08:00"]
    out = json.loads(run(*args, "--json").output)
    lib = compute_stats(open_store(path), center, as_of=datetime.fromisoformat(out["as_of"]))
    assert out["overall"] == lib.overall.to_json()
    assert out["overall"]["received"] == 50 and out["overall"]["solved"] == 40
    assert out["overall"]["completion_rate"] == 0.8
    one = json.loads(run(*args, "--unit", "fire-safety", "--json").output)
    assert [s["unit"] for s in one["scores"]] == ["fire-safety"]
    day = json.loads(run(*args, "--period", "2015-01-05", "--json").output)
    assert 0 < day["overall"]["received"] < 50
    table = run(*args, "--by", "category").output
    assert "unit scores" in table and "by category" in table


def test_members_act_in_their_role_and_for_their_unit(db_path: str) -> None:
    tickets(
        db_path,
        "2015-04-28T09:00+08:00",
        "new",
        "--category",
        "9101",
        "--cell",
        "330421101002002",
        "--title",
        "stall on the bridge",
    )
    tickets(db_path, "2015-04-28T09:01+08:00", "register", "1")
    tickets(db_path, "2015-04-28T09:02+08:00", "dispatch", "1")
    wrong = tickets(db_path, "2015-04-28T09:03+08:00", "accept", "1", actor="chen.squad", ok=False)
    assert wrong.exit_code == 2 and "unit xitang-squad is not responsible" in wrong.output
    posing = run(
        "tickets",
        "--db",
        db_path,
        "--actor",
        "chen.squad",
        "--role",
        "duty_chief",
        "--at",
        "2015-04-28T09:03+08:00",
        "void",
        "1",
        "--note",
        "x",
        ok=False,
    )
    assert "chen.squad is unit_handler of xitang-squad, not duty_chief" in posing.output
    tickets(db_path, "2015-04-28T09:04+08:00", "return", "1", actor="lu.market")
    shown = json.loads(tickets(db_path, "2015-04-28T09:05+08:00", "show", "1", "--json").output)
    assert shown["history"][-1]["data"] == {"unit": "market-supervision", "with_reason": False}
    assert shown["history"][-1]["role"] == "unit_handler"


def test_dispatch_without_options_follows_routing(db_path: str) -> None:
    tickets(
        db_path,
        "2015-04-28T09:00+08:00",
        "new",
        "--category",
        "0101",
        "--cell",
        "330421101003002",
        "--title",
        "shed by the fields",
    )
    tickets(db_path, "2015-04-28T09:01+08:00", "register", "1")
    shown = json.loads(tickets(db_path, "2015-04-28T09:01+08:00", "show", "1", "--json").output)
    assert shown["proposed"] == {
        "units": ["xitang-squad", "station-xiyuan"],
        "mode": "supervise",
        "source": "routing rule 330421101003",
    }
    out = json.loads(tickets(db_path, "2015-04-28T09:02+08:00", "dispatch", "1", "--json").output)
    assert (out["mode"], out["units"]) == ("supervise", ["xitang-squad", "station-xiyuan"])
