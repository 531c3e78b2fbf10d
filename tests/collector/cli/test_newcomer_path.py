"""What a newcomer types after the demo: ``--db`` after the command, a missing store said plainly."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from collector.cli.main import app
from tests.collector.builders import GRID

runner = CliRunner()


def _store(tmp_path: Path) -> str:
    path = str(tmp_path / "center.sqlite")
    result = runner.invoke(app, ["grid", "import", str(GRID), "--db", path])
    assert result.exit_code == 0, result.output
    return path


def test_db_is_accepted_before_and_after_the_command(tmp_path):
    db = _store(tmp_path)
    for args in (
        ["tickets", "--db", db, "list", "--json"],
        ["tickets", "list", "--db", db, "--json"],
        ["tickets", "list", f"--db={db}", "--json"],
        ["tickets", "list", "--json", "--db", db, "--state", "received"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        assert json.loads(result.output) == []


def test_a_missing_store_is_named_and_not_created(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GRIDWATCH_DB", raising=False)
    result = runner.invoke(app, ["tickets", "list"])
    assert result.exit_code == 2
    assert "no collector store at var/collector.sqlite" in result.output
    assert "collector grid import" in result.output
    assert not (tmp_path / "var").exists()
    typo = tmp_path / "centre.sqlite"
    result = runner.invoke(app, ["tickets", "list", "--db", str(typo)])
    assert result.exit_code == 2 and str(typo) in result.output
    assert not typo.exists()


def test_grid_import_still_creates_the_store(tmp_path):
    assert Path(_store(tmp_path)).is_file()
