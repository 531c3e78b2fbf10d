"""One camera on its own thread: connect, decode, reconnect with backoff, watch for stalls.

Cameras cannot block each other: each :class:`CameraWorker` owns a thread, a source and a bounded
:class:`~edge_agent.ingest.dropqueue.DropOldestQueue` that drops the oldest frame when the consumer
is slow. State changes (:mod:`edge_agent.ingest.states`) are reported through ``on_state``.

Stall watchdog: the source polls the worker's interrupt function after every packet, which gives
up a stream that decodes no frame for ``stall_after_s`` (packets but no pictures; in keyframes
mode keep it above the camera's keyframe interval) or when ``stop()`` was called; a read that blocks gets no packet at all, and PyAV's interrupt callback ends it after
``read_timeout_s`` (keep ``read_timeout_s ≤ stall_after_s``). Either way the worker closes the
source and reconnects after a backoff.

Example:
    >>> from edge_agent.config.models import CameraConfig, DecodeMode
    >>> cam = CameraConfig(id="cam1", url="rtsp://127.0.0.1:8554/cam1")
    >>> worker = CameraWorker(cam, on_state=lambda cid, old, new, why: print(cid, new.value))
    >>> worker.start()  # doctest: +SKIP
    >>> frame = worker.get(timeout=1.0)  # doctest: +SKIP
    >>> worker.stop()  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from edge_agent.config.models import CameraConfig, DecodeMode
from edge_agent.errors import SourceError
from edge_agent.frames import Frame
from edge_agent.ingest.dropqueue import DropOldestQueue
from edge_agent.ingest.source import (
    FrameSource,
    SourceInterrupted,
    StreamStalled,
    is_live_url,
    open_source,
)
from edge_agent.ingest.states import (
    TERMINAL,
    CameraEvent,
    CameraState,
    backoff_delay,
    failure_event,
    transition,
)

__all__ = ["StateCallback", "WorkerOptions", "CameraStatus", "CameraWorker"]

log = logging.getLogger(__name__)

#: ``on_state(camera_id, old, new, reason)``; called on the worker's thread, must not block.
StateCallback = Callable[[str, CameraState, CameraState, str], None]

E = CameraEvent


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """How a worker runs; the callables are injectable so tests need no real time or randomness.

    Attributes:
        queue_size: frames buffered for the consumer; the oldest is dropped beyond this.
        loop: start a file source again at its end (replay as a fake live camera).
        monotonic: clock of the stall watchdog.
        sleep: waits out a backoff; default: wait on the stop event (``stop()`` cuts it short).
        rand: uniform random in [0, 1) for the backoff jitter.
        cond: condition shared by the queues of a :class:`~edge_agent.ingest.pool.CameraPool`.
    """

    queue_size: int = 4
    loop: bool = False
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], object] | None = None
    rand: Callable[[], float] = random.random
    cond: threading.Condition | None = None


@dataclass(frozen=True, slots=True)
class CameraStatus:
    """A snapshot for status messages."""

    camera_id: str
    state: CameraState
    reason: str
    failures: int
    frames: int
    dropped: int
    last_pts: float | None


def _decoder(camera: CameraConfig) -> dict[str, Any]:
    """One decoder thread per camera in keyframe mode: about one picture a second gains
    nothing from FFmpeg's frame threads, and each thread holds its own frame buffers (RSS)."""
    return {"threads": 1} if camera.decode is DecodeMode.KEYFRAMES else {}


class CameraWorker:
    """Runs one camera's source on its own thread and queues its frames.

    Args:
        camera: the camera's config (URL, decode mode, reconnect timings).
        source: the frame source; default :func:`~edge_agent.ingest.source.open_source` (PyAV).
        on_state: called on every state change.
        options: queue size, looping and the injectable clock, sleep and random.
    """

    def __init__(
        self,
        camera: CameraConfig,
        source: FrameSource | None = None,
        *,
        on_state: StateCallback | None = None,
        options: WorkerOptions | None = None,
    ):
        self.camera = camera
        self.options = options or WorkerOptions()
        self.source = source if source is not None else open_source(camera, **_decoder(camera))
        self.queue: DropOldestQueue[Frame] = DropOldestQueue(
            self.options.queue_size, self.options.cond
        )
        self.failures = 0
        self.frames = 0
        self.last_pts: float | None = None
        self.error: SourceError | None = None
        self._on_state = on_state
        self._state = CameraState.CONNECTING
        self._reason = "starting"
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_progress = 0.0
        self._decoded_seen = 0
        self._live = is_live_url(camera.url)

    # -- consumer side -------------------------------------------------------------------------
    @property
    def state(self) -> CameraState:
        return self._state

    @property
    def dropped(self) -> int:
        return self.queue.dropped

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def status(self) -> CameraStatus:
        with self._lock:
            state, reason = self._state, self._reason
        return CameraStatus(
            self.camera.id, state, reason, self.failures, self.frames, self.dropped, self.last_pts
        )

    def get(self, timeout: float | None = None) -> Frame | None:
        """The next frame; ``None`` on timeout, or once the worker ended and the queue is empty."""
        return self.queue.get(timeout)

    def __iter__(self) -> Iterator[Frame]:
        """Frames until the worker ends (file done, or stopped) and the queue is drained."""
        while (frame := self.queue.get()) is not None:
            yield frame

    def start(self) -> CameraWorker:
        if self._thread is not None:
            raise RuntimeError(f"camera {self.camera.id}: worker already started")
        self._thread = threading.Thread(
            target=self._run, name=f"camera-{self.camera.id}", daemon=True
        )
        self._thread.start()
        return self

    def request_stop(self) -> None:
        """Ask the thread to stop without waiting (see :meth:`stop`)."""
        self._stop.set()

    def stop(self, timeout: float | None = None) -> bool:
        """Ask the thread to stop and join it; returns whether it ended within ``timeout``.

        The default timeout is the longer of the open and read timeouts + 2 s: an open or a read
        blocked in FFmpeg ends by then.
        """
        self._stop.set()
        if self._thread is None:
            return True
        if timeout is None:
            cfg = self.camera.reconnect
            timeout = max(cfg.open_timeout_s, cfg.read_timeout_s) + 2.0
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("camera %s: worker did not stop within %.1f s", self.camera.id, timeout)
            return False
        return True

    # -- worker thread -------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                event, reason, got_frame = self._session()
                if self._stop.is_set():
                    break
                if event is E.END:
                    self._fire(E.END, reason)
                    return
                if got_frame and self.options.loop and not self._live and event is E.LOST:
                    continue  # a looped file: open it again at once
                self._recover(event, reason, got_frame)
        except Exception:  # a bug must not kill the agent silently: log it, report stopped
            log.exception("camera %s: worker crashed", self.camera.id)
            self._reason = "worker crashed (see log)"
        finally:
            self.source.close()
            if self._state not in TERMINAL:
                self._fire(E.STOP, "stopped")
            self.queue.close()

    def _session(self) -> tuple[CameraEvent, str, bool]:
        """Open, read until the stream ends or fails; returns (outcome, reason, got a frame)."""
        try:
            self.source.open()
        except SourceError as exc:
            self.error = exc
            return (E.FAILURE if self._live else E.END), str(exc), False
        self._last_progress = self.options.monotonic()
        got_frame = False
        try:
            for frame in self.source.frames(self._interrupt):
                got_frame = True
                self._on_frame(frame)
        except SourceInterrupted as exc:
            return E.STALL, exc.reason, got_frame
        except StreamStalled as exc:
            return E.STALL, str(exc), got_frame
        except SourceError as exc:  # a live stream reconnects; a damaged file ends
            self.error = exc
            return (E.LOST if self._live else E.END), str(exc), got_frame
        finally:
            self.source.close()
        if not self._live and not (self.options.loop and got_frame):
            return E.END, "end of file", got_frame
        return E.LOST, "end of stream", got_frame

    def _on_frame(self, frame: Frame) -> None:
        self.failures = 0
        self.frames += 1
        self.last_pts = frame.pts
        self._last_progress = self.options.monotonic()
        if self._state is not CameraState.ONLINE:
            self._fire(E.FRAME, "frames arriving")
        self.queue.put(frame)

    def _interrupt(self) -> str | None:
        if self._stop.is_set():
            return "stop requested"
        now = self.options.monotonic()
        # in fps mode frames are decoded but not all kept; a key packet left undecoded for a
        # quiet camera is progress too
        decoded = self.source.stats.decoded + self.source.stats.undecoded
        if decoded != self._decoded_seen:
            self._decoded_seen, self._last_progress = decoded, now
        idle = now - self._last_progress
        limit = self.camera.reconnect.stall_after_s
        if idle > limit:
            return f"no frame for {idle:.1f} s (stall_after_s={limit:g})"
        return None

    def _recover(self, outcome: CameraEvent, reason: str, got_frame: bool) -> None:
        """Report the outcome, count a session without frames as a failure, back off, retry."""
        cfg = self.camera.reconnect
        if outcome in (E.STALL, E.LOST):
            self._fire(outcome, reason)
        if not got_frame:
            self.failures += 1
            self._fire(failure_event(self.failures, cfg), reason)
        delay = backoff_delay(max(self.failures, 1), cfg, self.options.rand)
        log.info("camera %s: %s; retry in %.2f s", self.camera.id, reason, delay)
        self._sleep(delay)
        if self._state is CameraState.STALLED and not self._stop.is_set():
            self._fire(E.RETRY, "reconnecting")

    def _sleep(self, seconds: float) -> None:
        if self.options.sleep is None:
            self._stop.wait(seconds)
        else:
            self.options.sleep(seconds)

    def _fire(self, event: CameraEvent, reason: str) -> None:
        with self._lock:
            old = self._state
            new = transition(old, event)
            self._state, self._reason = new, reason
        if new is old or self._on_state is None:
            return
        try:
            self._on_state(self.camera.id, old, new, reason)
        except Exception:  # a broken status publisher must not stop the camera
            log.exception("camera %s: on_state callback failed", self.camera.id)
