"""A real RTSP load test: N looped streams → one ``edge-agent run`` → Mosquitto → a collector.

One gst-rtsp-server process (``scripts/rtsp_serve.py``) serves a clip on N paths; one agent process
reads all N (keyframes, one crowd zone each). The zones of every camera, or of the first
``alarming`` ones, alarm on one person, so incidents flow the whole time; the others keep the
default thresholds, a lane far below advisory as most of a town is. A Mosquitto started for the
run carries the incidents to an in-process collector that stores each and files its ticket.
Per step (N cameras) it measures:

- the agent's own CPU (``/proc/<pid>/stat``: the server's cost is not the agent's) and RSS;
- per camera keyframes handled per second (analysed, gated or left to the quiet cadence: the
  agent's adaptive analysis runs the detector only where it is needed), the share of them the
  detector ran on, and dropped frames, from the agent's MQTT metrics;
- camera state changes, from the same metrics;
- latency from a frame to its ticket row: the ticket is filed at wall time ``t``; the incident's
  ``observed_at`` is the wall-clock label of the frame (a live source's epoch: the earliest
  read time less decode timestamp of its packets), so ``t - observed_at`` spans decode, analysis,
  outbox, broker, ingest and filing. The bench also hears each incident at the broker, which
  splits it: ``agent`` (frame label → incident on the broker: decode, queues, detection,
  analytics, outbox, publish) and ``center`` (broker → ticket filed: ingest, store, filing). The
  thresholds alarm at once (``raise_after_s`` 0), so no sustain time of the analytic is in it.

A step is *real time* when every camera handled at least ``realtime_ratio`` of the keyframes the
stream carries and no frame was dropped (no analysis deadline missed). The figure is the largest such N.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from collector.tickets import file_incident
from collector.transport.config import CollectorConfig
from collector.transport.mosquitto import MosquittoBroker, free_port, wait_port
from collector.transport.service import IngestService
from edge_agent.contract.mqtt import BrokerSettings, MqttClient, Received
from edge_agent.contract.topics import box_prefix, metrics_topic

__all__ = ["LoadOptions", "StepResult", "run_load", "summary"]

REPO = Path(__file__).resolve().parents[2]
SERVER_SCRIPT = REPO / "scripts" / "rtsp_serve.py"
GRID = REPO / "configs" / "grid" / "cells.geojson"
SYSTEM_PYTHON = "/usr/bin/python3"
SITE, BOX, CELL = "load", "box-01", "330421101001001"
KEY_HEX = "11" * 32
ONE_PERSON_ALARM = {
    "advisory_count": 1,
    "warning_count": 2,
    "critical_count": 3,
    "smoothing_window_s": 0,
    "raise_after_s": 0,
    "clear_after_s": 2,
    "cooldown_s": 0,
}


@dataclass
class LoadOptions:
    video: Path
    steps: list[int] = field(default_factory=lambda: [16, 32, 64, 128, 230])
    warmup_s: float = 20.0
    measure_s: float = 40.0
    keyframes_per_s: float = 1.0  # of the clip: one-by-one-person.mp4 has one every 10 frames
    realtime_ratio: float = 0.9
    workdir: Path | None = None
    stop_after_miss: bool = True  # larger N cannot hold if this one did not
    #: Cameras whose zone alarms on one person (incidents, latency); the others keep the
    #: default thresholds, a lane with one passer-by far below advisory. None: every camera.
    alarming: int | None = None
    analysis_threads: int | None = None  # the agent's (None: its config default)


@dataclass
class StepResult:
    cameras: int
    agent_cores: float
    rss_mb: float
    handled_fps_min: float
    handled_fps_median: float
    detector_share: float | None
    cameras_behind: int
    dropped_frames: int
    state_changes: int
    incidents_filed: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    agent_latency_p95_ms: float | None
    center_latency_p95_ms: float | None
    realtime: bool
    #: The rig on the same machine: the RTSP server's cores (an NVR's work, not the box's), all
    #: CPUs' busy cores, and the cores the hypervisor gave to other guests (steal).
    server_cores: float = 0.0
    machine_busy_cores: float = 0.0
    steal_cores: float = 0.0


class _Metrics:
    """Latest per-camera metrics of the box, and how often each camera's state changed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cameras: dict[str, dict[str, Any]] = {}
        self.state_changes = 0

    def __call__(self, msg: Received) -> None:
        payload = json.loads(msg.payload)
        now = time.monotonic()
        counters = payload.get("analysis", {}).get("cameras", {})
        with self.lock:
            for cam, data in payload.get("cameras", {}).items():
                data = data | {"analysis": counters.get(cam, {}), "seen": now}
                old = self.cameras.get(cam)
                if old is not None and old.get("state") != data.get("state"):
                    self.state_changes += 1
                self.cameras[cam] = data

    def snapshot(self) -> tuple[dict[str, dict[str, Any]], int]:
        with self.lock:
            return {k: dict(v) for k, v in self.cameras.items()}, self.state_changes


class _Heard:
    """Wall time each incident reached the broker (heard by a subscriber of its own)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.at: dict[str, float] = {}

    def __call__(self, msg: Received) -> None:
        now = time.time()
        try:
            event_id = str(json.loads(msg.payload)["event_id"])
        except (ValueError, KeyError, TypeError):
            return
        with self.lock:
            self.at.setdefault(event_id, now)

    def pop(self, event_id: str) -> float | None:
        with self.lock:
            return self.at.pop(event_id, None)


@dataclass(frozen=True)
class _Latency:
    filed_at: float
    total_s: float
    agent_s: float | None  # frame label -> on the broker
    center_s: float | None  # on the broker -> ticket filed


class _Filed:
    """The collector's ticket intake, timing each filing against its frame's wall label."""

    def __init__(self, heard: _Heard) -> None:
        self.lock = threading.Lock()
        self.heard = heard
        self.latencies: list[_Latency] = []

    def __call__(self, db: Any, payload: dict[str, Any]) -> Any:
        result = file_incident(db, payload)
        now = time.time()
        observed = datetime.fromisoformat(payload["observed_at"]).timestamp()
        at = self.heard.pop(str(payload.get("event_id")))
        lat = _Latency(
            now,
            now - observed,
            None if at is None else at - observed,
            None if at is None else now - at,
        )
        with self.lock:
            self.latencies.append(lat)
        return result

    def since(self, t0: float) -> list[_Latency]:
        with self.lock:
            return [lat for lat in self.latencies if lat.filed_at >= t0]


def _machine_s() -> tuple[float, float]:
    """Seconds all CPUs were busy and stolen since boot (``/proc/stat``; busy: not idle, not
    waiting on I/O, not stolen)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its reaped children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _zone(alarm: bool) -> dict[str, Any]:
    zone: dict[str, Any] = {
        "id": "lane",
        "kind": "alley",
        "grid_cell": CELL,
        "polygon": [[0, 0], [768, 0], [768, 432], [0, 432]],
    }
    return zone | ({"thresholds": ONE_PERSON_ALARM} if alarm else {})


def _agent_config(n: int, ports: tuple[int, int], work: Path, opts: LoadOptions) -> Path:
    rtsp_port, broker_port = ports
    alarming = opts.alarming
    key = work / "box.key"
    key.write_text(KEY_HEX)
    cameras = [
        {
            "id": f"cam{i}",
            "url": f"rtsp://127.0.0.1:{rtsp_port}/cam{i}",
            "decode": "keyframes",
            # what slicing auto decides on this clip (its people are large), fixed: a cold start
            # probes every camera 2-3 times with the whole frame and all tiles (8 runs each),
            # which at 128 cameras filled the whole 50 s of a step; the bench measures the
            # steady state
            "slicing": "off",
            "zones": [_zone(alarming is None or i < alarming)],
        }
        for i in range(n)
    ]
    cfg = {
        "box": {"site_id": SITE, "box_id": BOX},
        "mqtt": {
            "url": f"mqtt://127.0.0.1:{broker_port}",
            "signing_key_file": str(key),
            "metrics_interval_s": 5,
            "outbox": {"path": str(work / f"outbox-{n}.sqlite")},
        },
        "evidence": {"dir": str(work / "evidence")},
        "cameras": cameras,
    }
    if opts.analysis_threads is not None:
        cfg["analysis_threads"] = opts.analysis_threads
    path = work / f"agent-{n}.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def _collector(broker_port: int, work: Path, filer: _Filed, db: Path) -> IngestService:
    keys = work / "box-keys.yaml"
    keys.write_text(f'"{SITE}/{BOX}": {KEY_HEX}\n')
    cfg = CollectorConfig.model_validate(
        {
            "broker": {"url": f"mqtt://127.0.0.1:{broker_port}", "client_id": "load-collector"},
            "db": str(db),
            "box_keys_file": str(keys),
            "batch_wait_ms": 5,
        }
    )
    return IngestService(cfg, filer=filer)


def _import_center(db_path: Path) -> None:
    from collector.grid.store import import_center, read_center
    from collector.store import open_store

    db = open_store(db_path)
    try:
        center, _, geojson = read_center(GRID)
        import_center(db, center, geojson, str(GRID.parent))
    finally:
        db.close()


def start_server(video: Path, paths: int, work: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    with (work / "rtsp.log").open("wb") as log:
        proc = subprocess.Popen(
            [SYSTEM_PYTHON, str(SERVER_SCRIPT), "--port", str(port), "--file", str(video)]
            + ["--paths", str(paths)],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    wait_port(port, timeout_s=15)
    return proc, port


def _agent_command() -> list[str]:
    exe = Path(sys.executable).with_name("edge-agent")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "edge_agent.cli.main"]


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(1000 * seconds, 1)


def _step(n: int, opts: LoadOptions, ports: tuple[int, int], work: Path, filed: _Filed,
          metrics: _Metrics, server_pid: int) -> StepResult:  # fmt: skip
    config = _agent_config(n, ports, work, opts)
    log_path = work / f"agent-{n}.log"
    with log_path.open("wb") as log:
        agent = subprocess.Popen(
            _agent_command() + ["run", "--config", str(config), "--log-level", "WARNING"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=work,
        )
    try:
        time.sleep(opts.warmup_s)
        if agent.poll() is not None:
            raise RuntimeError(f"edge-agent exited {agent.returncode}; see {log_path}")
        before_cams, before_changes = metrics.snapshot()
        cpu0, t0, wall0 = _cpu_s(agent.pid), time.monotonic(), time.time()
        server0, (busy0, steal0) = _cpu_s(server_pid), _machine_s()
        time.sleep(opts.measure_s)
        span = time.monotonic() - t0
        cores = (_cpu_s(agent.pid) - cpu0) / span
        server_cores = (_cpu_s(server_pid) - server0) / span
        busy1, steal1 = _machine_s()
        rss = _rss_mb(agent.pid)
        cams, changes = metrics.snapshot()
    finally:
        agent.send_signal(signal.SIGTERM)
        try:
            agent.wait(timeout=30)
        except subprocess.TimeoutExpired:
            agent.kill()
            agent.wait()
    mine = {f"cam{i}": cams.get(f"cam{i}", {}) for i in range(n)}
    fps, analysed, handled = _handled(mine, before_cams)
    dropped = sum(
        int(c.get("dropped_frames", 0)) - int(before_cams.get(k, {}).get("dropped_frames", 0))
        for k, c in mine.items()
    )
    behind = sum(f < opts.realtime_ratio * opts.keyframes_per_s for f in fps)
    lat = filed.since(wall0)
    total = [x.total_s for x in lat]
    agent_s = [x.agent_s for x in lat if x.agent_s is not None]
    center_s = [x.center_s for x in lat if x.center_s is not None]
    return StepResult(
        cameras=n,
        agent_cores=round(cores, 3),
        rss_mb=round(rss, 1),
        handled_fps_min=round(min(fps), 2),
        handled_fps_median=round(statistics.median(fps), 2),
        detector_share=round(analysed / handled, 3) if handled else None,
        cameras_behind=behind,
        dropped_frames=dropped,
        state_changes=changes - before_changes,
        incidents_filed=len(lat),
        latency_p50_ms=_ms(_percentile(total, 50)),
        latency_p95_ms=_ms(_percentile(total, 95)),
        agent_latency_p95_ms=_ms(_percentile(agent_s, 95)),
        center_latency_p95_ms=_ms(_percentile(center_s, 95)),
        realtime=behind == 0 and dropped == 0,
        server_cores=round(server_cores, 3),
        machine_busy_cores=round((busy1 - busy0) / span, 3),
        steal_cores=round((steal1 - steal0) / span, 3),
    )


def _handled(
    now: dict[str, dict[str, Any]], before: dict[str, dict[str, Any]]
) -> tuple[list[float], int, int]:
    """Per camera keyframes handled per second between two metrics snapshots; and, over all
    cameras, how many of the handled keyframes the detector ran on."""
    fps, analysed, handled = [], 0, 0
    for cam, data in now.items():
        old = before.get(cam, {})
        a, b = data.get("analysis", {}), old.get("analysis", {})
        done = {k: int(a.get(k, 0)) - int(b.get(k, 0)) for k in ("analysed", "gated", "skipped")}
        span = float(data.get("seen", 0.0)) - float(old.get("seen", 0.0))
        fps.append(sum(done.values()) / span if old and span > 0 else 0.0)
        analysed, handled = analysed + done["analysed"], handled + sum(done.values())
    return fps, analysed, handled


def run_load(opts: LoadOptions, say: Any = print) -> list[StepResult]:
    """Run every step in ``opts.steps`` (ascending) and return one result per step run."""
    if not SERVER_SCRIPT.exists() or not Path(SYSTEM_PYTHON).exists():
        raise RuntimeError(f"needs {SYSTEM_PYTHON} with gi and {SERVER_SCRIPT}")
    work = Path(opts.workdir or tempfile.mkdtemp(prefix="gridwatch-rtsp-load-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[StepResult] = []
    server, rtsp_port = start_server(opts.video.resolve(), max(opts.steps), work)
    broker = MosquittoBroker(work / "mosquitto")
    broker.start()
    heard, metrics = _Heard(), _Metrics()
    filed = _Filed(heard)
    db = work / "collector.sqlite"
    service = _collector(broker.port, work, filed, db)
    _import_center(db)
    watcher = MqttClient(BrokerSettings(url=broker.url, client_id="load-metrics", clean=True))
    watcher.subscribe(metrics_topic(SITE, BOX), metrics, qos=0)
    watcher.subscribe(f"{box_prefix(SITE, BOX)}/+/incident", heard, qos=0)
    try:
        service.start()
        watcher.start()
        for n in sorted(opts.steps):
            result = _step(n, opts, (rtsp_port, broker.port), work, filed, metrics, server.pid)
            say(json.dumps(asdict(result)))
            results.append(result)
            if opts.stop_after_miss and not result.realtime:
                break
    finally:
        watcher.stop()
        service.stop()
        broker.stop()
        server.kill()
        server.wait()
        if opts.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return results


def summary(results: list[StepResult]) -> dict[str, Any]:
    """The figures of the run: largest N in real time, MB per added camera, p95 latency there."""
    held = [r for r in results if r.realtime]
    best = max(held, key=lambda r: r.cameras) if held else None
    mb_per_camera = None
    # over the steps held: a camera left behind holds a full queue of frames (4 MB), which is
    # overload, not what a camera costs
    sloped = held if len(held) >= 2 else results
    if len(sloped) >= 2:
        first, last = sloped[0], sloped[-1]
        mb_per_camera = round((last.rss_mb - first.rss_mb) / (last.cameras - first.cameras), 2)
    return {
        "cameras_rtsp_realtime": best.cameras if best else 0,
        "mb_per_camera": mb_per_camera,
        "latency_p95_ms": best.latency_p95_ms if best else None,
        "agent_latency_p95_ms": best.agent_latency_p95_ms if best else None,
        "center_latency_p95_ms": best.center_latency_p95_ms if best else None,
        "agent_cores_at_best": best.agent_cores if best else None,
        "steps": [asdict(r) for r in results],
    }
