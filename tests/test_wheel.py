"""The wheel is the product: built, installed in a fresh venv, run from a folder outside the checkout.

The fresh venv gets only the wheel's declared dependencies (see :mod:`tests.wheelhouse`), so a
module the runtime imports but the metadata does not declare is missing, as on a clean machine.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.wheelhouse import build_wheel, clean_env, install_wheel, run

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the built wheel; returns its ``bin`` folder."""
    work = tmp_path_factory.mktemp("wheel")
    return install_wheel(build_wheel(work), work / "venv")


#: The example center's time zone (configs/grid): statistics periods are local years.
CENTER_TZ = timezone(timedelta(hours=8))


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
    env = clean_env(tmp_path / "home")
    where = run(
        [installed / "python", "-c", "import edge_agent, collector; print(edge_agent.__file__)"],
        tmp_path,
        env,
    )
    assert not where.startswith(str(REPO)), where
    clip = shared_data / "video" / "one-by-one-person.mp4"
    out = tmp_path / "incidents.jsonl"
    text = run([installed / "edge-agent", "replay", clip, "--jsonl", out], tmp_path, env)
    assert "one-by-one-person" in text
    assert out.is_file()


def test_collector_demo_runs_from_the_wheel_and_keeps_only_its_store(installed, tmp_path):
    home = tmp_path / "home"
    env = clean_env(home)
    text = run([installed / "collector", "demo"], tmp_path, env)
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
    listed = run([installed / "collector", "tickets", "list", "--db", db, "--json"], tmp_path, env)
    assert len(json.loads(listed)) == tickets
    year = str(datetime.now(CENTER_TZ).year)
    stats = run(
        [installed / "collector", "stats", "--db", db, "--period", year, "--json"], tmp_path, env
    )
    assert json.loads(stats)["overall"]["received"] == tickets
