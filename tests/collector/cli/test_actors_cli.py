"""The CLI acts as a named, existing member: unknown or unauthorised actors are refused with the
reason, and the audit row names the real actor. Console accounts are members too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.cli.main import app
from tests.collector.builders import GRID

runner = CliRunner()
AT = "2015-04-28T09:0{}+08:00"


def run(*args: str, ok: bool = True, stdin: str | None = None):
    result = runner.invoke(app, list(args), input=stdin)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture()
def db_path(tmp_path: Path) -> str:
    path = str(tmp_path / "c.sqlite")
    run("grid", "import", str(GRID), "--db", path)
    return path


def tickets(db_path: str, actor: str, minute: int, *args: str, ok: bool = True):
    return run(
        "tickets", "--db", db_path, "--actor", actor, "--at", AT.format(minute), *args, ok=ok
    )


def _new(db_path: str) -> None:
    tickets(
        db_path,
        "wang.duty",
        0,
        "new",
        "--category",
        "9101",
        "--cell",
        "330421101002002",
        "--title",
        "stall",
    )


def test_an_unknown_actor_is_refused_with_the_reason(db_path: str) -> None:
    _new(db_path)
    refused = tickets(db_path, "nobody.x", 1, "register", "1", ok=False)
    assert refused.exit_code == 2
    assert (
        "unknown actor 'nobody.x': not a console account and not a member of any unit"
        in refused.output
    )
    shown = json.loads(tickets(db_path, "wang.duty", 2, "show", "1", "--json").output)
    assert shown["state"] == "received"


def test_an_actor_may_not_take_another_roles_step_nor_speak_for_another_unit(db_path: str) -> None:
    _new(db_path)
    refused = tickets(db_path, "chen.squad", 1, "register", "1", ok=False)
    assert (
        "chen.squad may not register: it is done by dispatcher, duty_chief, not unit_handler"
        in refused.output
    )
    tickets(db_path, "wang.duty", 1, "register", "1")
    tickets(
        db_path, "wang.duty", 2, "dispatch", "1", "--mode", "assign", "--unit", "market-supervision"
    )
    posing = tickets(
        db_path, "chen.squad", 3, "accept", "1", "--unit", "market-supervision", ok=False
    )
    assert "chen.squad acts for xitang-squad, not for market-supervision" in posing.output
    tickets(db_path, "lu.market", 4, "accept", "1")
    history = json.loads(tickets(db_path, "wang.duty", 5, "show", "1", "--json").output)["history"]
    assert [(h["action"], h["actor"], h["role"]) for h in history] == [
        ("receive", "wang.duty", "duty_chief"),
        ("register", "wang.duty", "duty_chief"),
        ("dispatch", "wang.duty", "duty_chief"),
        ("accept", "lu.market", "unit_handler"),
    ]


def test_a_console_account_acts_in_its_own_role(db_path: str) -> None:
    run(
        "accounts",
        "add",
        "ye.leader",
        "--name",
        "Ye Qing",
        "--role",
        "leader",
        "--db",
        db_path,
        stdin="long-enough-pass\n",
    )
    _new(db_path)
    refused = tickets(db_path, "ye.leader", 1, "register", "1", ok=False)
    assert (
        "ye.leader may not register: it is done by dispatcher, duty_chief, not leader"
        in refused.output
    )
    listed = json.loads(run("accounts", "list", "--db", db_path, "--json").output)
    assert listed == [
        {
            "id": "ye.leader",
            "name": "Ye Qing",
            "role": "leader",
            "unit": None,
            "locked_until": None,
            "disabled": False,
        }
    ]
    bad = run(
        "accounts",
        "add",
        "xu.x",
        "--name",
        "X",
        "--role",
        "unit_handler",
        "--unit",
        "nowhere",
        "--db",
        db_path,
        stdin="long-enough-pass\n",
        ok=False,
    )
    assert "unknown unit 'nowhere'" in bad.output
