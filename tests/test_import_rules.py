"""The import rules of docs/ARCHITECTURE.md hold: import-linter checks the contracts in
pyproject.toml (the collector takes only the contract from the agent, the contract depends on
neither package, the collector's layers, no cycles in either package)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _lint_imports() -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [str(exe), "--no-cache", str(REPO / "pyproject.toml")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_import_contract_is_kept() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_cover_both_packages_and_every_collector_room() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    acyclic = [c for c in contracts if c["type"] == "acyclic_siblings"]
    assert acyclic and set(acyclic[0]["ancestors"]) == {"edge_agent", "collector"}
    layers = next(
        c for c in contracts if c["type"] == "layers" and c["containers"] == ["collector"]
    )
    named = {room.strip() for layer in layers["layers"] for room in layer.split("|")}
    rooms = {
        p.stem if p.is_file() else p.name
        for p in (REPO / "collector").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert rooms == named, f"rooms missing from the layers contract: {sorted(rooms - named)}"
