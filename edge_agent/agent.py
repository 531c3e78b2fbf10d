"""``edge-agent run``: every camera of a box until stopped, then a clean shutdown.

Threads: one decoder per camera (``edge_agent.ingest``), ``analysis_threads`` consumers that share
the detector session (each owns a fixed subset of the cameras, so a camera's frames stay in order),
the MQTT sender, and this module's supervisor loop that reloads thresholds when the file changes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from edge_agent.config import AgentConfig, load
from edge_agent.contract.status import WireCameraState
from edge_agent.errors import ConfigError, GridwatchError
from edge_agent.frames import Frame
from edge_agent.incidents.evidence import EvidenceStore
from edge_agent.incidents.origin import StreamClock
from edge_agent.ingest import CameraPool, CameraState, FrameSource, WorkerOptions
from edge_agent.pipeline import CameraPipeline, Decision, Detector, Services, process_batch
from edge_agent.sinks import IncidentSink

__all__ = [
    "AgentStats",
    "EdgeAgent",
    "ConfigWatcher",
    "CONTRACT_CAMERA_STATE",
    "contract_camera_state",
]

log = logging.getLogger(__name__)

#: A camera whose frames keep failing logs the first failure and then every this many.
ERROR_LOG_EVERY = 100

#: A worker's state -> the camera state of the MQTT contract (status-1/metrics-1 ``state``).
_W = WireCameraState
CONTRACT_CAMERA_STATE: dict[CameraState, WireCameraState] = {
    CameraState.CONNECTING: _W.RECONNECTING,  # reported only after a first failure or stall
    CameraState.ONLINE: _W.RUNNING,
    CameraState.STALLED: _W.RECONNECTING,
    CameraState.OFFLINE: _W.OFFLINE,
    CameraState.FINISHED: _W.STOPPED,
    CameraState.STOPPED: _W.STOPPED,
}


#: ``on_camera_health(camera, state value, analysed frames per second, dropped frames)``: how the
#: stream is doing (the camera-health *analytic* judges the picture itself).
StreamReport = Callable[[str, str, float, int], None]


def contract_camera_state(state: str) -> WireCameraState:
    """The contract's word for a worker state value (``on_camera_state`` passes the value)."""
    return CONTRACT_CAMERA_STATE[CameraState(state)]


class ConfigWatcher:
    """Notices a changed config file (``thresholds set`` writes it atomically) and reloads it."""

    def __init__(self, path: Path, on_change: Callable[[AgentConfig], None]):
        self.path = path
        self.on_change = on_change
        self._stamp = self._read_stamp()

    def _read_stamp(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def request_reload(self) -> None:
        """Reload at the next :meth:`poll` even if the file looks unchanged (SIGHUP)."""
        self._stamp = None

    def poll(self) -> bool:
        stamp = self._read_stamp()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            cfg = load(self.path)
        except ConfigError as err:
            log.error("config change ignored, the running thresholds stay: %s", err)
            return False
        try:
            self.on_change(cfg)
        except GridwatchError as err:  # e.g. a construction reference unreadable on rebuild
            log.error("config change not fully applied: %s", err)
            return False
        return True


@dataclass
class AgentStats:
    frames: dict[str, int] = field(default_factory=dict)
    incidents: int = 0
    reloads: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # frames the analysis failed on
    batches: dict[int, int] = field(default_factory=dict)  # frames detected per run -> runs


def _epoch_of(source: FrameSource) -> Callable[[], datetime | None]:
    return lambda: source.epoch


class EdgeAgent:
    """Wires sources, the shared detector, the per-camera pipelines and a sink together."""

    def __init__(
        self,
        cfg: AgentConfig,
        detector: Detector,
        sink: IncidentSink,
        *,
        on_camera_state: Callable[[str, str], None] | None = None,
        on_camera_health: StreamReport | None = None,
        worker_options: WorkerOptions | None = None,
    ):
        self.cfg = cfg
        self.sink = sink
        self.stats = AgentStats()
        self._on_camera_state = on_camera_state
        self._on_camera_health = on_camera_health
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        evidence = EvidenceStore(
            cfg.evidence.dir, cfg.evidence.max_bytes, cfg.evidence.jpeg_quality
        )
        services = Services(evidence=evidence)
        n = min(cfg.analysis_threads, len(cfg.cameras))
        groups = [cfg.cameras[i::n] for i in range(n)]
        self.pools = [
            CameraPool(group, on_state=self._camera_state, options=worker_options)
            for group in groups
        ]
        self.pipelines: dict[str, CameraPipeline] = {}
        self.sources: dict[str, FrameSource] = {}
        for pool in self.pools:
            for cam_id, worker in pool.workers.items():
                self.sources[cam_id] = worker.source
                cam = cfg.camera(cam_id)
                # a live source learns its epoch at its first frame: ask it at each use
                clock = StreamClock(cam_id, _epoch_of(worker.source))
                self.pipelines[cam_id] = CameraPipeline(
                    cfg, cam, detector, self._counting_sink(), clock, services
                )

    def _counting_sink(self) -> IncidentSink:
        agent = self

        class _Counting:
            def emit(self, incident) -> None:
                with agent._lock:
                    agent.stats.incidents += 1
                agent.sink.emit(incident)

        return _Counting()

    def _camera_state(self, camera: str, old: CameraState, new: CameraState, reason: str) -> None:
        log.info("camera %s: %s -> %s (%s)", camera, old.value, new.value, reason)
        if self._on_camera_state is not None:
            self._on_camera_state(camera, new.value)

    def apply_config(self, cfg: AgentConfig) -> None:
        """Live thresholds: every pipeline takes the new values without a restart.

        Called from the supervisor (file watcher) and from the MQTT thread (control commands).
        Cameras added to or removed from the file need a restart; the others are updated.
        """
        if cfg == self.cfg:
            return  # e.g. the file rewritten by a remote change that is already applied
        known = {cam.id for cam in cfg.cameras}
        if known != set(self.pipelines):
            log.warning(
                "cameras added or removed in the config (%s) take effect at the next start",
                ", ".join(sorted(known ^ set(self.pipelines))),
            )
        with self._reload_lock:
            for cam_id, pipeline in self.pipelines.items():
                if cam_id in known:
                    pipeline.apply_config(cfg)
            self.cfg = cfg
            self.stats.reloads += 1
        log.info("thresholds reloaded")

    def stop(self) -> None:
        self._stop.set()

    def _consume(self, pool: CameraPool) -> None:
        ended: set[str] = set()
        batch = self.cfg.batch
        while not self._stop.is_set():
            self._finish_ended(pool, ended)  # every frame taken so far has been analysed
            frames = pool.get_batch(batch.max_size, 0.5, batch.deadline_ms / 1000)
            if not frames:
                if pool.exhausted:
                    self._finish_ended(pool, ended)
                    return
                continue
            self._analyse(frames, batch.max_size)

    def _analyse(self, frames: list[Frame], max_size: int) -> None:
        """One batch; a frame the analysis fails on costs only itself."""
        results = process_batch(
            self.pipelines, frames, max_size, lambda f, _err: self._failed(f.camera_id)
        )
        for r in results:  # a quiet camera's reader leaves the keyframes before this undecoded
            self.sources[r.camera].next_look_pts = self.pipelines[r.camera].next_look_pts(r.pts)
        detected = sum(r.decision is Decision.ANALYSE for r in results)
        with self._lock:
            for r in results:
                self.stats.frames[r.camera] = self.stats.frames.get(r.camera, 0) + 1
            if detected:
                self.stats.batches[detected] = self.stats.batches.get(detected, 0) + 1

    def _finish_ended(self, pool: CameraPool, ended: set[str]) -> None:
        """A file played to its end and analysed: its watchers' last observations, as in replay."""
        for cam_id, worker in pool.workers.items():
            if cam_id in ended or worker.state is not CameraState.FINISHED:
                continue
            if worker.queue.exhausted:
                ended.add(cam_id)
                try:
                    self.pipelines[cam_id].finish()
                except Exception:
                    self._failed(cam_id)

    def _failed(self, camera: str) -> None:
        """Count a frame the pipeline failed on; the first and every 100th are logged in full."""
        with self._lock:
            n = self.stats.errors[camera] = self.stats.errors.get(camera, 0) + 1
        if n == 1 or n % ERROR_LOG_EVERY == 0:
            log.exception("camera %s: analysis failed on a frame (%d so far)", camera, n)

    def run(self, watcher: ConfigWatcher | None = None, max_seconds: float | None = None) -> None:
        """Until :meth:`stop`, ``max_seconds`` of wall time, or every (file) source has ended."""
        for pool in self.pools:
            pool.start()
        threads = [
            threading.Thread(target=self._consume, args=(pool,), name=f"analysis-{i}", daemon=True)
            for i, pool in enumerate(self.pools)
        ]
        for t in threads:
            t.start()
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        health = (time.monotonic(), dict[str, int]())
        try:
            while any(t.is_alive() for t in threads) and not self._stop.is_set():
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if watcher is not None:
                    watcher.poll()
                self._stop.wait(1.0)
                health = self._report_health(*health)
        finally:
            self._stop.set()
            for pool in self.pools:  # every camera at once: a stop waits for a blocked open
                pool.request_stop()
            for pool in self.pools:
                pool.stop(timeout=10)
            for t in threads:
                t.join(timeout=10)
            self._report_health(*health)

    def analysis_report(self) -> dict[str, object]:
        """The ``analysis`` object of metrics-1: each camera's keyframes by what the cadence
        decided (its analysis rate and gated frames; ``skipped`` also counts the keyframes of a
        quiet camera its reader did not decode), and how many frames each run detected."""
        cams = {
            cam_id: {
                "analysed": c.analysed,
                "gated": c.gated,
                "skipped": c.skipped + self.sources[cam_id].stats.undecoded,
            }
            for cam_id, p in self.pipelines.items()
            for c in [p.cadence.counts]
        }
        with self._lock:
            batches = {str(size): runs for size, runs in sorted(self.stats.batches.items())}
        return {"cameras": cams, "batches": batches}

    def _report_health(self, since: float, before: dict[str, int]) -> tuple[float, dict[str, int]]:
        """Each camera's state, analysed frames per wall second since the last call, and frames
        dropped so far (a slow analysis), to ``on_camera_health``."""
        now = time.monotonic()
        with self._lock:
            frames = dict(self.stats.frames)
        if self._on_camera_health is None:
            return now, frames
        elapsed = max(now - since, 1e-3)
        for pool in self.pools:
            for st in pool.status():
                fps = (frames.get(st.camera_id, 0) - before.get(st.camera_id, 0)) / elapsed
                self._on_camera_health(st.camera_id, st.state.value, round(fps, 2), st.dropped)
        return now, frames
