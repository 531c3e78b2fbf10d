"""The agent's metrics: per camera, per model, and the outbox.

Fed by (one call each, from the composition root ``edge-agent run``):

- :meth:`AgentMetrics.camera_health` — the agent's once-a-second health report (state,
  analysed fps, frames dropped so far);
- :meth:`AgentMetrics.camera_state` — each state change (a move into ``connecting`` from another
  state is a reconnect);
- :meth:`AgentMetrics.detection_timings` — the detector's stage seconds of each call;
- :meth:`AgentMetrics.frames_skipped` / :meth:`AgentMetrics.skipped_so_far` — keyframes the
  cadence decided not to run inference on (gated as unchanged, or left to the quiet rate);
- :meth:`AgentMetrics.watch` — callables read at scrape time: frames analysed per camera, runs
  of the detector per batch size, and the outbox's depth and oldest entry.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = ["AgentMetrics", "CAMERA_STATES", "INFERENCE_BUCKETS"]

#: Every state a camera worker can be in (``edge_agent.ingest.states.CameraState`` values).
CAMERA_STATES = ("connecting", "online", "stalled", "offline", "finished", "stopped")
#: Seconds: from a fast SSD on a big core to a tiled YOLO on a small one.
INFERENCE_BUCKETS = (0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1.0, 2.5)


class AgentMetrics:
    """Holds the metrics and their registry (``registry`` is what the endpoint serves).

    Example:
        >>> from prometheus_client import generate_latest
        >>> m = AgentMetrics()
        >>> m.camera_health("cam-1", "online", 1.0, 0)
        >>> b'gridwatch_camera_analysed_fps{camera="cam-1"} 1.0' in generate_latest(m.registry)
        True
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.registry = CollectorRegistry()
        self._clock = clock
        self._lock = threading.Lock()
        self._skipped: dict[str, int] = {}
        self._skip_seen: dict[str, tuple[float, int]] = {}
        self._states: dict[str, str] = {}
        self._dropped: dict[str, int] = {}
        r = self.registry
        self.analysed_fps = Gauge(
            "gridwatch_camera_analysed_fps", "Frames analysed per second.", ["camera"], registry=r
        )
        self.skipped_fps = Gauge(
            "gridwatch_camera_skipped_fps",
            "Frames per second the analysis skipped (no inference).",
            ["camera"],
            registry=r,
        )
        self.reconnects = Counter(
            "gridwatch_camera_reconnects",
            "Times the camera was connected again.",
            ["camera"],
            registry=r,
        )
        self.inference = Histogram(
            "gridwatch_detector_inference_seconds",
            "Seconds of model inference per detector call.",
            ["model"],
            buckets=INFERENCE_BUCKETS,
            registry=r,
        )
        self._watched = _Watched(self)
        r.register(self._watched)

    def camera_health(self, camera: str, state: str, fps: float, dropped: int) -> None:
        """The agent's health report of one camera (``EdgeAgent(on_camera_health=...)``)."""
        with self._lock:
            self._states[camera] = state
            self._dropped[camera] = dropped
            skipped = self._skipped.get(camera, 0)
            now = self._clock()
            since, before = self._skip_seen.get(camera, (now, skipped))
            self._skip_seen[camera] = (now, skipped)
        self.analysed_fps.labels(camera).set(fps)
        elapsed = now - since
        self.skipped_fps.labels(camera).set((skipped - before) / elapsed if elapsed > 0 else 0.0)

    def camera_state(self, camera: str, new: str) -> None:
        """A state change (``EdgeAgent(on_camera_state=...)``); entering ``connecting`` again
        after having been in another state is a reconnect."""
        with self._lock:
            old = self._states.get(camera)
            self._states[camera] = new
        if new == "connecting" and old not in (None, "connecting"):
            self.reconnects.labels(camera).inc()
        else:
            self.reconnects.labels(camera)  # the series exists (at 0) from the first change

    def frames_skipped(self, camera: str, n: int = 1) -> None:
        """Frames the analysis skipped (adaptive rate or change gating)."""
        with self._lock:
            self._skipped[camera] = self._skipped.get(camera, 0) + n

    def skipped_so_far(self, camera: str, total: int) -> None:
        """The cadence's running count of skipped keyframes of one camera (it keeps the count)."""
        with self._lock:
            self._skipped[camera] = max(total, self._skipped.get(camera, 0))

    def detection_timings(self, model: str, timings: Mapping[str, float]) -> None:
        """The detector's stage seconds of one call (``Detector.on_timings``)."""
        self.inference.labels(model).observe(timings.get("inference", 0.0))

    def watch(
        self,
        analysed: Callable[[], Mapping[str, int]] | None = None,
        outbox: Callable[[], Any] | None = None,
        batches: Callable[[], Mapping[str, int]] | None = None,
    ) -> None:
        """Read at each scrape: frames analysed per camera; the outbox's ``stats()``; detector
        runs per batch size (``{"1": runs, "2": runs, ...}``)."""
        if analysed is not None:
            self._watched.analysed = analysed
        if batches is not None:
            self._watched.batches = batches
        if outbox is not None:
            self._watched.outbox = outbox

    def snapshot(self) -> tuple[dict[str, str], dict[str, int], dict[str, int]]:
        with self._lock:
            return dict(self._states), dict(self._dropped), dict(self._skipped)


class _Watched(Collector):
    """Values that already live elsewhere, read when scraped (no second copy to keep in step)."""

    def __init__(self, owner: AgentMetrics) -> None:
        self.owner = owner
        self.analysed: Callable[[], Mapping[str, int]] | None = None
        self.outbox: Callable[[], Any] | None = None
        self.batches: Callable[[], Mapping[str, int]] | None = None

    def collect(self) -> Iterator[Any]:
        states, dropped, skipped = self.owner.snapshot()
        yield _counter(
            "gridwatch_camera_dropped_frames", "Frames dropped: analysis too slow.", dropped
        )
        yield _counter("gridwatch_camera_skipped_frames", "Frames skipped: no inference.", skipped)
        if self.analysed is not None:
            yield _counter("gridwatch_camera_analysed_frames", "Frames analysed.", self.analysed())
        state = GaugeMetricFamily(
            "gridwatch_camera_state",
            "1 for the camera's current state.",
            labels=["camera", "state"],
        )
        for camera, current in sorted(states.items()):
            for name in CAMERA_STATES:
                state.add_metric([camera, name], 1.0 if name == current else 0.0)
        yield state
        if self.batches is not None:
            runs = CounterMetricFamily(
                "gridwatch_detector_batch_runs",
                "Detector runs by how many frames (cameras) went in one batch.",
                labels=["size"],
            )
            for size, n in sorted(self.batches().items(), key=lambda kv: int(kv[0])):
                runs.add_metric([str(size)], float(n))
            yield runs
        if self.outbox is not None:
            yield from _outbox(self.outbox())


def _counter(name: str, doc: str, values: Mapping[str, int]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, doc, labels=["camera"])
    for camera, value in sorted(values.items()):
        family.add_metric([camera], float(value))
    return family


def _outbox(stats: Any) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
    yield GaugeMetricFamily(
        "gridwatch_outbox_depth", "Messages waiting in the durable outbox.", value=stats.depth
    )
    age = stats.oldest_age_s
    yield GaugeMetricFamily(
        "gridwatch_outbox_oldest_age_seconds",
        "Age of the oldest message waiting (0 when empty).",
        value=0.0 if age is None else float(age),
    )
    dropped = CounterMetricFamily(
        "gridwatch_outbox_dropped_messages", "Messages the full outbox dropped.", labels=["kind"]
    )
    for kind, n in sorted(stats.dropped.items()):
        dropped.add_metric([kind], float(n))
    yield dropped
