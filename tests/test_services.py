"""The systemd units, installed by the product's own commands from the built wheel.

``service install`` writes the units into a staging folder (with the staging folder's config and
state folders filled in); ``systemd-analyze verify`` checks them; then each unit's ``ExecStart``
line runs briefly as the unit's user, in its working folder, with its environment, against a real
Mosquitto and a real RTSP camera, and must start, serve and stop cleanly on SIGTERM.

Run as root (CI), the user is the units' own ``gridwatch`` (made by ``service install``); run as
anyone else, it is that user (nobody else can be switched to).
"""

from __future__ import annotations

import getpass
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures.rtsp import free_port
from tests.wheelhouse import build_wheel, install_wheel, run

pytestmark = pytest.mark.integration
WAIT_S = 60.0
USER = "gridwatch" if os.geteuid() == 0 else getpass.getuser()


def _service_python() -> str:
    """An interpreter of this Python version that the service user may run (not under /root)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (sys._base_executable, f"/usr/bin/{version}", shutil.which(version)):
        if candidate and os.access(candidate, os.X_OK) and not candidate.startswith("/root/"):
            return candidate
    pytest.fail(f"no {version} outside /root for the service user to run")


@pytest.fixture(scope="module")
def stage() -> Iterator[Path]:
    """A staging root readable by the service user (pytest's own tmp is private to us)."""
    root = Path(tempfile.mkdtemp(prefix="gridwatch-units-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def units(stage: Path) -> dict[str, Path]:
    """Both packages' units, installed by their ``service install`` from the built wheel."""
    build = stage / "build"
    build.mkdir()
    bin_dir = install_wheel(build_wheel(build), stage / "venv", _service_python(), shared=True)
    dirs = [
        "--user", USER,
        "--config-dir", str(stage / "etc/gridwatch"),
        "--state-dir", str(stage / "var/lib/gridwatch"),
        "--unit-dir", str(stage / "units"),
    ]  # fmt: skip
    run([bin_dir / "edge-agent", "service", "install", *dirs], stage)
    ports = ["--metrics-port", str(free_port()), "--api-port", str(free_port())]
    run([bin_dir / "collector", "service", "install", *dirs, *ports], stage)
    return {p.name: p for p in (stage / "units").glob("*.service")}


def _fields(unit: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in unit.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            out.setdefault(key, []).append(value)
    return out


def test_units_pass_systemd_analyze_verify(units: dict[str, Path]) -> None:
    assert set(units) == {
        "gridwatch-edge.service",
        "gridwatch-collector.service",
        "gridwatch-api.service",
    }
    done = subprocess.run(
        ["systemd-analyze", "verify", *map(str, units.values())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    complaints = [ln for ln in done.stderr.splitlines() if "gridwatch-" in ln]
    assert complaints == [], complaints
    for unit in units.values():
        f = _fields(unit)
        assert f["User"] == [USER] and f["ProtectSystem"] == ["strict"]
        assert f["Restart"] == ["on-failure"] and f["NoNewPrivileges"] == ["yes"]
        assert f["ReadWritePaths"][0].split()[0] == f["WorkingDirectory"][0]
    assert _fields(units["gridwatch-edge.service"])["ExecReload"] == ["/bin/kill -HUP $MAINPID"]


class Service:
    """One unit's ExecStart, run as its user with its environment (EnvironmentFile included)."""

    def __init__(self, unit: Path, log: Path):
        f = _fields(unit)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": f["WorkingDirectory"][0]}
        for item in f.get("Environment", []):
            key, value = item.split("=", 1)
            env[key] = value
        for name in f.get("EnvironmentFile", []):
            path = Path(name.removeprefix("-"))
            if path.is_file():
                env |= dict(ln.split("=", 1) for ln in path.read_text().split() if "=" in ln)
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                shlex.split(f["ExecStart"][0]),
                cwd=f["WorkingDirectory"][0],
                env=env,
                user=f["User"][0],
                group=f["Group"][0],
                extra_groups=[],
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_for(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            found = re.search(pattern, self.log.read_text())
            if found:
                return found
            assert self.proc.poll() is None, self.log.read_text()
            time.sleep(0.2)
        raise AssertionError(f"not within {WAIT_S} s: {pattern}\n{self.log.read_text()}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"did not stop on SIGTERM\n{self.log.read_text()}") from None


def _metrics(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url, timeout=10) as page:
        text = page.read().decode()
    return {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples}


def _owned_by_user(path: Path) -> bool:
    return pwd.getpwuid(path.stat().st_uid).pw_name == USER


def test_edge_unit_runs_as_its_user_and_writes_only_its_state(
    units, stage, tmp_path, mosquitto, rtsp_server, shared_data
):
    camera = rtsp_server(shared_data / "video/one-by-one-person.mp4")
    config = {
        "box": {"site_id": "xitang", "box_id": "box-09"},
        "mqtt": {"url": mosquitto.url},
        "prometheus": {"port": 0},
        "cameras": [{"id": "gate", "url": camera.url, "decode": "keyframes"}],
    }
    (stage / "etc/gridwatch/edge-agent.yaml").write_text(yaml.safe_dump(config))
    service = Service(units["gridwatch-edge.service"], tmp_path / "edge.log")
    try:
        url = service.wait_for(r"metrics at (http://127\.0\.0\.1:\d+/metrics)").group(1)
        deadline = time.monotonic() + WAIT_S
        while _metrics(url).get("gridwatch_camera_analysed_frames_total", 0) < 1:
            assert time.monotonic() < deadline, service.log.read_text()
            time.sleep(0.3)
        service.proc.send_signal(signal.SIGHUP)  # systemctl reload
        time.sleep(1.0)
        assert service.proc.poll() is None, service.log.read_text()
    finally:
        code = service.stop()
    assert code == 0, service.log.read_text()
    state = stage / "var/lib/gridwatch"
    assert (state / "outbox.sqlite").is_file() and _owned_by_user(state / "outbox.sqlite")


def test_collector_units_run_as_their_user(units, stage, tmp_path, mosquitto):
    config = {"broker": {"url": mosquitto.url}, "require_signatures": False}
    (stage / "etc/gridwatch/collector.yaml").write_text(yaml.safe_dump(config))
    ingest = Service(units["gridwatch-collector.service"], tmp_path / "ingest.log")
    try:
        url = ingest.wait_for(r"metrics at (http://127\.0\.0\.1:\d+/metrics)").group(1)
        ingest.wait_for(r"connected \(1\)")
        assert _metrics(url)["gridwatch_collector_store_up"] == 1.0
    finally:
        assert ingest.stop() == 0, ingest.log.read_text()
    store = stage / "var/lib/gridwatch/collector.sqlite"
    assert store.is_file() and _owned_by_user(store)
    api = Service(units["gridwatch-api.service"], tmp_path / "api.log")
    try:
        port = re.search(r"--port (\d+)", units["gridwatch-api.service"].read_text()).group(1)
        root = f"http://127.0.0.1:{port}"
        api.wait_for(r"Uvicorn running")
        with urllib.request.urlopen(f"{root}/open311/v2/discovery.json", timeout=10) as page:
            assert page.status == 200
        assert _metrics(f"{root}/metrics")["gridwatch_collector_store_up"] == 1.0
    finally:
        api.stop()
