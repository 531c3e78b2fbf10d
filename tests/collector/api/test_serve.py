"""``collector serve`` as a user starts it: a real process on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from collector.api.app import PREFIX
from tests.collector.api.conftest import ApiWorld

COLLECTOR = str(Path(sys.executable).parent / "collector")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_open311_and_serves_its_openapi(world: ApiWorld, tmp_path: Path) -> None:
    port = _free_port()
    cmd = [
        COLLECTOR,
        "serve",
        "--db",
        str(world.db_path),
        "--port",
        str(port),
        "--evidence-dir",
        str(world.evidence_dir),
    ]
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT)
    root = f"http://127.0.0.1:{port}{PREFIX}"
    try:
        for _ in range(300):
            try:
                doc = httpx.get(f"{root}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, log.read_text()
                time.sleep(0.05)
        assert doc.status_code == 200
        assert {f"{PREFIX}/requests.json", f"{PREFIX}/services.json"} <= set(doc.json()["paths"])
        services = httpx.get(f"{root}/services.json", headers={"X-Api-Key": world.read_key})
        assert services.status_code == 200 and services.json()
        refused = httpx.get(f"{root}/services.json")
        assert refused.status_code == 401 and refused.json()[0]["code"] == 401
    finally:
        proc.terminate()
        proc.wait(timeout=10)
