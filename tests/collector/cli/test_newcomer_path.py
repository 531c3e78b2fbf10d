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
        ["dead-letters", "--db", db, "list", "--json"],
        ["dead-letters", "list", "--db", db, "--json"],
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


def _after_the_demo_block() -> list[str]:
    """The README's "After the demo" commands up to the web server (which the console tests
    cover), as a newcomer pastes them."""
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## After the demo", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    lines = []
    for line in block.splitlines():
        if line.startswith("collector serve"):
            break
        lines.append(line)
    return lines


def test_the_readme_steps_after_the_demo_work(tmp_path):
    """Run ``collector demo``, then the README's next steps in bash, each one checked (set -e)."""
    import os
    import subprocess
    import sys

    lines = _after_the_demo_block()
    assert any(line.startswith("collector tickets register") for line in lines), lines
    venv_bin = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDWATCH_", "XDG_DATA"))}
    env["HOME"] = str(tmp_path)  # the README's store is ~/.local/share/gridwatch/demo/
    env["PATH"] = f"{venv_bin}{os.pathsep}{env['PATH']}"
    demo = subprocess.run(
        ["collector", "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    script = "\n".join(["set -euo pipefail"] + [x for x in lines if not x.startswith("source ")])
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "register -> registered" in done.stdout
    assert (tmp_path / "report.html").is_file()
