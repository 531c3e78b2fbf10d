"""Every room of the agent has its place in the agent's layers contract (pyproject.toml);
tests/test_import_rules.py checks that the contract is kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_agent_layers_contract_names_every_room() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(
        c for c in contracts if c["type"] == "layers" and c["containers"] == ["edge_agent"]
    )
    named = {room.strip() for layer in layers["layers"] for room in layer.split("|")}
    rooms = {
        p.stem if p.is_file() else p.name
        for p in (REPO / "edge_agent").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert rooms == named, f"rooms missing from the agent's layers: {sorted(rooms ^ named)}"
