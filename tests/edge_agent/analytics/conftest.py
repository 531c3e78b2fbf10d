"""Fixtures of the analytics tests: the scenario harness (``scripts/make_scenario.py``, imported
from its file) and a session cache of the scenarios it writes."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def scenario() -> ModuleType:
    """``scripts/make_scenario.py`` as a module (scripts/ is not a package)."""
    path = REPO / "scripts" / "make_scenario.py"
    spec = importlib.util.spec_from_file_location("make_scenario", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_scenario"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def scenarios(scenario, tmp_path_factory) -> Callable[..., tuple[Path, dict]]:
    """Writes a scenario once per session (same spec: same file, read-only): ``(video, truth)``."""
    folder = tmp_path_factory.mktemp("scenarios")
    done: dict[str, tuple[Path, dict]] = {}

    def write(name: str, **spec) -> tuple[Path, dict]:
        key = json.dumps(spec, sort_keys=True)
        if key not in done:
            out = folder / f"{name}-{len(done)}.mkv"
            done[key] = (out, scenario.write(scenario.Spec(out=str(out), **spec)))
        return done[key]

    return write
