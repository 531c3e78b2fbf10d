"""The wheel is the product: built, installed in a fresh venv, run from a folder outside the checkout.

The fresh venv gets the built wheel and, for its dependencies, only the distributions that the
wheel's own ``Requires-Dist`` names (and what those require in turn), linked from the test's
environment so no download is needed. A module the runtime imports but the metadata does not
declare is then missing, exactly as after ``pip install gridwatch`` on a clean machine.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

pytestmark = pytest.mark.integration

#: The example center's time zone (configs/grid): statistics periods are local years.
CENTER_TZ = timezone(timedelta(hours=8))
#: What the wheel is built from (a copy, so the build leaves nothing in the checkout).
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "edge_agent", "collector", "models", "configs"]


def _requirements(dist: metadata.Distribution, extras: frozenset[str]) -> list[Requirement]:
    wanted = []
    for text in dist.requires or []:
        req = Requirement(text)
        envs = [default_environment() | {"extra": e} for e in extras | {""}]
        if req.marker is None or any(req.marker.evaluate(env) for env in envs):
            wanted.append(req)
    return wanted


def _closure(dist: metadata.Distribution) -> dict[str, metadata.Distribution]:
    """The installed distributions ``dist`` needs at run time, transitively (no extras of its own)."""
    found: dict[str, metadata.Distribution] = {}
    todo = [(req, frozenset(req.extras)) for req in _requirements(dist, frozenset())]
    while todo:
        req, extras = todo.pop()
        name = canonicalize_name(req.name)
        if name in found:
            continue
        try:
            found[name] = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{req.name} (required by the wheel) is not installed in the test venv")
        todo.extend((r, frozenset(r.extras)) for r in _requirements(found[name], extras))
    return found


def _link_site(dists: dict[str, metadata.Distribution], into: Path) -> None:
    """Link each distribution's top-level files and folders (and its metadata) into ``into``."""
    into.mkdir()
    for dist in dists.values():
        root = Path(str(dist.locate_file("")))
        for top in {Path(f).parts[0] for f in dist.files or [] if not str(f).startswith("..")}:
            target = into / top
            if (root / top).exists() and not target.exists():
                target.symlink_to(root / top)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the built wheel; returns its ``bin`` folder."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(path, src / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    pip = [sys.executable, "-m", "pip"]
    clean = _env(work / "home")
    quiet = ["--disable-pip-version-check", "-q", "--no-deps"]
    _run([*pip, "wheel", *quiet, "--no-build-isolation", "-w", work / "dist", src], work)
    (wheel,) = (work / "dist").glob("gridwatch-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], work)
    install = [*pip, "--python", venv / "bin/python", "install", *quiet, "--no-index", wheel]
    _run(install, work, clean)
    where = "import site; print(site.getsitepackages()[0])"
    site = Path(_run([venv / "bin/python", "-c", where], work, clean).strip())
    gridwatch = metadata.Distribution.at(next(site.glob("gridwatch-*.dist-info")))
    _link_site(_closure(gridwatch), work / "deps")
    (site / "gridwatch-deps.pth").write_text(f"{work / 'deps'}\n")
    return venv / "bin"


def _env(home: Path) -> dict[str, str]:
    """No PYTHONPATH (the checkout must not be importable) and a home of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GRIDWATCH_"))}
    tmp = home / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return env | {
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(cache),  # the generated sample clip is reused, not regenerated
    }


def _run(cmd: list, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> str:
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_ships_its_models_and_declares_an_spdx_licence(installed):
    (wheel,) = (installed.parent.parent / "dist").glob("gridwatch-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        meta = zf.read("gridwatch-0.1.0.dist-info/METADATA").decode()
    assert {
        "edge_agent/models/ssdlite_mobilenet_v2_person.onnx",
        "edge_agent/models/change_structural.onnx",
        "collector/endtoend/center/cells.geojson",
        "gridwatch-0.1.0.dist-info/licenses/LICENSE",
    } <= names
    assert "License-Expression: Apache-2.0" in meta
    assert not any(n.startswith(("tests/", "models/", "configs/")) for n in names)


def test_replay_runs_from_outside_the_checkout(installed, tmp_path, shared_data):
    env = _env(tmp_path / "home")
    where = _run(
        [installed / "python", "-c", "import edge_agent, collector; print(edge_agent.__file__)"],
        tmp_path,
        env,
    )
    assert not where.startswith(str(REPO)), where
    clip = shared_data / "video" / "one-by-one-person.mp4"
    out = tmp_path / "incidents.jsonl"
    text = _run([installed / "edge-agent", "replay", clip, "--jsonl", out], tmp_path, env)
    assert "one-by-one-person" in text
    assert out.is_file()


def test_collector_demo_runs_from_the_wheel_and_keeps_only_its_store(installed, tmp_path):
    home = tmp_path / "home"
    env = _env(home)
    text = _run([installed / "collector", "demo"], tmp_path, env)
    db = home / "data" / "gridwatch" / "demo" / "collector.sqlite"
    assert f"store: {db}" in text, text
    assert not list((home / "tmp").glob("gridwatch-*")), "the demo left temporary files"
    assert not (tmp_path / "var").exists()
    with sqlite3.connect(db) as conn:
        (tickets,) = conn.execute("SELECT COUNT(*) FROM tickets").fetchone()
        (dated,) = conn.execute("SELECT MIN(received_at) FROM tickets").fetchone()
    assert tickets >= 1
    age = datetime.now(UTC) - datetime.fromisoformat(dated)
    assert timedelta(0) <= age < timedelta(hours=1), dated  # the demo's clock is today's
    listed = _run([installed / "collector", "tickets", "list", "--db", db, "--json"], tmp_path, env)
    assert len(json.loads(listed)) == tickets
    year = str(datetime.now(CENTER_TZ).year)
    stats = _run(
        [installed / "collector", "stats", "--db", db, "--period", year, "--json"], tmp_path, env
    )
    assert json.loads(stats)["overall"]["received"] == tickets
