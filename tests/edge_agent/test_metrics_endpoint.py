"""``edge-agent run`` serves ``/metrics``: scraped over HTTP, read with prometheus-client's parser.

A live RTSP camera and a real Mosquitto; the agent survives SIGHUP (``systemctl reload``).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.edge_agent.test_run_signals import WAIT_S, box_config

pytestmark = pytest.mark.integration
Samples = dict[str, dict[tuple[tuple[str, str], ...], float]]


def scrape(url: str) -> Samples:
    with urllib.request.urlopen(url, timeout=10) as page:
        assert page.headers["Content-Type"].startswith("text/plain")
        text = page.read().decode()
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return out


def _wait(predicate, what: str, log: Path):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {WAIT_S} s: {what}\n{log.read_text()}")


def _endpoint(log: Path) -> str | None:
    found = re.search(r"metrics at (http://127\.0\.0\.1:\d+/metrics)", log.read_text())
    return found.group(1) if found else None


def test_run_serves_camera_detector_and_outbox_metrics(
    tmp_path, mosquitto, rtsp_server, shared_data
):
    server = rtsp_server(shared_data / "video/one-by-one-person.mp4")
    config = box_config(tmp_path, mosquitto.url, server.url)
    raw = yaml.safe_load(config.read_text())
    config.write_text(yaml.safe_dump(raw | {"prometheus": {"port": 0}}))
    exe = str(Path(sys.executable).with_name("edge-agent"))
    log = tmp_path / "agent.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [exe, "run", "--config", str(config)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        url = _wait(lambda: _endpoint(log), "the metrics endpoint announced", log)
        cam = (("camera", "room"),)

        def analysing() -> Samples | None:
            got = scrape(url)
            fps = got.get("gridwatch_camera_analysed_fps", {}).get(cam, 0.0)
            return got if fps > 0 else None

        got = _wait(analysing, "analysed fps above 0", log)
        assert got["gridwatch_camera_state"][(("camera", "room"), ("state", "online"))] == 1.0
        assert got["gridwatch_camera_state"][(("camera", "room"), ("state", "offline"))] == 0.0
        assert got["gridwatch_camera_analysed_frames_total"][cam] >= 1
        assert got["gridwatch_camera_dropped_frames_total"][cam] == 0
        assert got["gridwatch_camera_reconnects_total"][cam] == 0
        assert got["gridwatch_camera_skipped_fps"][cam] >= 0.0
        assert got["gridwatch_camera_skipped_frames_total"][cam] >= 0
        assert sum(got["gridwatch_detector_batch_runs_total"].values()) >= 1
        model = (("model", "ssdlite_mobilenet_v2_person.onnx"),)
        assert got["gridwatch_detector_inference_seconds_count"][model] >= 1
        assert 0 < got["gridwatch_detector_inference_seconds_sum"][model] < 60
        assert got["gridwatch_outbox_depth"][()] >= 0
        assert got["gridwatch_outbox_oldest_age_seconds"][()] >= 0

        # systemctl reload: SIGHUP reads the config again even when the file looks unchanged
        # (same size and modification time, so the file watcher alone would not notice)
        stat = config.stat()
        text = config.read_text()
        assert "critical_count: 3" in text
        config.write_text(text.replace("critical_count: 3", "critical_count: 4"))
        os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        time.sleep(1.5)
        assert "thresholds reloaded" not in log.read_text()
        proc.send_signal(signal.SIGHUP)
        _wait(lambda: "thresholds reloaded" in log.read_text(), "a reload on SIGHUP", log)
        assert proc.poll() is None, log.read_text()
        again = scrape(url)
        count = again["gridwatch_detector_inference_seconds_count"][model]
        assert count >= got["gridwatch_detector_inference_seconds_count"][model]
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WAIT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, log.read_text()
