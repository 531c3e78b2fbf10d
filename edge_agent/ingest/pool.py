"""All cameras of a box: one worker per camera, one consumer reading the frames of all of them.

The workers' queues share one condition, so the consumer (the detector loop, with its one shared
model session) waits for the next frame of *any* camera and takes them round robin: a busy camera
cannot starve the others, and a slow consumer only loses each camera's oldest frames.

Example:
    >>> from edge_agent.config.models import CameraConfig
    >>> cams = [CameraConfig(id=f"cam{i}", url=f"rtsp://127.0.0.1:8554/{i}") for i in (1, 2)]
    >>> pool = CameraPool(cams)
    >>> sorted(pool.workers)
    ['cam1', 'cam2']
    >>> pool.start()  # doctest: +SKIP
    >>> for frame in pool:  # doctest: +SKIP
    ...     analyse(frame)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from edge_agent.config.models import CameraConfig
from edge_agent.frames import Frame
from edge_agent.ingest.camera import CameraStatus, CameraWorker, StateCallback, WorkerOptions
from edge_agent.ingest.source import FrameSource

__all__ = ["CameraPool"]


class CameraPool:
    """Workers for many cameras whose frames are read through :meth:`get`, round robin.

    Args:
        cameras: the cameras' configs.
        on_state: state-change callback passed to every worker.
        options: worker options (their ``cond`` is replaced by the pool's own).
        sources: frame sources by camera id (default: PyAV sources from the configs).
    """

    def __init__(
        self,
        cameras: Sequence[CameraConfig],
        *,
        on_state: StateCallback | None = None,
        options: WorkerOptions | None = None,
        sources: Mapping[str, FrameSource] | None = None,
    ):
        self.cond = threading.Condition()
        opts = replace(options or WorkerOptions(), cond=self.cond)
        sources = sources or {}
        self.workers: dict[str, CameraWorker] = {
            cam.id: CameraWorker(cam, sources.get(cam.id), on_state=on_state, options=opts)
            for cam in cameras
        }
        self._order = list(self.workers.values())
        self._next = 0

    def start(self) -> CameraPool:
        for worker in self._order:
            worker.start()
        return self

    def request_stop(self) -> None:
        """Ask every worker to stop without waiting (several pools stop in parallel)."""
        for worker in self._order:
            worker.request_stop()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop all workers (in parallel); returns whether all ended in time."""
        self.request_stop()
        return all([worker.stop(timeout) for worker in self._order])

    def status(self) -> list[CameraStatus]:
        return [worker.status() for worker in self._order]

    @property
    def exhausted(self) -> bool:
        """Every worker has ended and every queue is empty."""
        return all(worker.queue.exhausted for worker in self._order)

    def get(self, timeout: float | None = None) -> Frame | None:
        """The next frame of any camera, round robin; ``None`` on timeout or when all are done."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.cond:
            while True:
                frame = self._take()
                if frame is not None or self.exhausted:
                    return frame
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self.cond.wait(remaining)

    def get_batch(self, most: int, timeout: float, deadline_s: float) -> list[Frame]:
        """Up to ``most`` frames: the first within ``timeout``, then whatever comes within
        ``deadline_s`` after it (a quiet box does not wait for a full batch). Round robin, so a
        batch holds several cameras' frames before a second one of any camera."""
        first = self.get(timeout)
        if first is None:
            return []
        batch = [first]
        until = time.monotonic() + deadline_s
        with self.cond:
            while len(batch) < most:
                frame = self._take()
                if frame is not None:
                    batch.append(frame)
                    continue
                remaining = until - time.monotonic()
                if remaining <= 0 or self.exhausted:
                    break
                self.cond.wait(remaining)
        return batch

    def __iter__(self) -> Iterator[Frame]:
        """Frames until every worker has ended (files done, or stopped)."""
        while (frame := self.get()) is not None:
            yield frame

    def _take(self) -> Frame | None:
        count = len(self._order)
        for step in range(count):
            index = (self._next + step) % count
            frame = self._order[index].queue.get_nowait()
            if frame is not None:
                self._next = (index + 1) % count
                return frame
        return None
