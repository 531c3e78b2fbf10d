"""The camera worker with a scripted source, a manual clock and a recorded sleep (no real time)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from edge_agent.config.models import CameraConfig
from edge_agent.errors import SourceError
from edge_agent.ingest.camera import CameraWorker, WorkerOptions
from edge_agent.ingest.pool import CameraPool
from edge_agent.ingest.source import SourceSpec
from edge_agent.ingest.states import CameraState, backoff_cap
from tests.edge_agent.ingest.fakes import (
    DECODED,
    TICK,
    ManualClock,
    ScriptedSource,
    Session,
    ok,
    refused,
)

S = CameraState
LIVE = "rtsp://127.0.0.1:9/cam"
JOIN_S = 10.0


class Harness:
    """A worker on a scripted source; records state changes and backoff waits."""

    def __init__(self, sessions: list[Session], url: str = LIVE, **opts: object):
        reconnect = {
            "stall_after_s": 3.0,
            "backoff_initial_s": 1.0,
            "backoff_max_s": 8.0,
            "offline_after_failures": 3,
        }
        self.camera = CameraConfig(id="cam1", url=url, reconnect=reconnect)
        self.clock = ManualClock()
        self.source = ScriptedSource(SourceSpec("cam1", url), sessions, self.clock)
        self.changes: list[tuple[S, S]] = []
        self.reasons: list[str] = []
        self.waits: list[float] = []
        opts = {"queue_size": 16} | opts
        options = WorkerOptions(
            monotonic=self.clock, sleep=self.waits.append, rand=lambda: 1.0, **opts
        )
        self.worker = CameraWorker(self.camera, self.source, on_state=self.record, options=options)
        self.source.when_done = self.worker.request_stop

    def record(self, camera_id: str, old: S, new: S, reason: str) -> None:
        assert camera_id == "cam1" and reason
        self.changes.append((old, new))
        self.reasons.append(reason)

    def run(self) -> list[float]:
        """Start, wait until the script is over (it then stops a live worker), return frame pts."""
        self.worker.start()
        self.worker._thread.join(JOIN_S)  # type: ignore[union-attr]
        assert not self.worker.running
        return [f.pts for f in self.worker]

    def caps(self, failures: list[int]) -> list[float]:
        return [backoff_cap(max(n, 1), self.camera.reconnect) for n in failures]


def test_failures_go_offline_then_a_frame_brings_it_online() -> None:
    h = Harness([refused(), refused(), refused(), refused(), ok(1.0, 2.0)])
    assert h.run() == [1.0, 2.0]
    assert h.changes == [
        (S.CONNECTING, S.OFFLINE),  # the 3rd failure in a row
        (S.OFFLINE, S.ONLINE),
        (S.ONLINE, S.CONNECTING),  # the stream ended
        (S.CONNECTING, S.STOPPED),
    ]
    # 1, 2 then offline: backoff_max; after frames (LOST) the count starts again
    assert h.waits == h.caps([1, 2, 3, 4, 0])
    assert h.worker.failures == 0 and h.worker.frames == 2


def test_no_frame_for_stall_after_s_stalls_and_reconnects() -> None:
    h = Harness([ok(1.0, TICK, TICK, TICK, TICK, 5.0), ok(6.0)])
    assert h.run() == [1.0, 6.0]  # 5.0 never came: the watchdog gave up first
    assert h.changes == [
        (S.CONNECTING, S.ONLINE),
        (S.ONLINE, S.STALLED),
        (S.STALLED, S.CONNECTING),
        (S.CONNECTING, S.ONLINE),
        (S.ONLINE, S.CONNECTING),
        (S.CONNECTING, S.STOPPED),
    ]
    assert "no frame for 4.0 s" in h.reasons[1]
    assert h.source.opens == 3 and h.source.closes >= h.source.opens


def test_frames_decoded_but_not_kept_are_not_a_stall() -> None:
    h = Harness([ok(1.0, DECODED, DECODED, DECODED, DECODED, DECODED, 7.0)])
    assert h.run() == [1.0, 7.0]  # fps mode: 6 s between kept frames, but decoding went on
    assert S.STALLED not in [new for _, new in h.changes]


def test_a_read_error_ends_a_file_without_replaying_it() -> None:
    h = Harness([ok(0.0, end=SourceError("damaged")), ok(0.0)], url="clip.mp4")
    assert h.run() == [0.0]
    assert h.changes == [(S.CONNECTING, S.ONLINE), (S.ONLINE, S.FINISHED)]
    assert "damaged" in str(h.worker.error) and h.source.opens == 1


def test_read_error_after_frames_is_lost_and_retried_at_initial_backoff() -> None:
    h = Harness([ok(1.0, end=SourceError("reset by peer")), ok(2.0)])
    assert h.run() == [1.0, 2.0]
    assert h.changes[:3] == [
        (S.CONNECTING, S.ONLINE),
        (S.ONLINE, S.CONNECTING),
        (S.CONNECTING, S.ONLINE),
    ]
    assert h.waits[0] == h.camera.reconnect.backoff_initial_s
    assert "reset by peer" in h.reasons[1]


def test_a_file_ends_the_worker_without_reconnecting() -> None:
    h = Harness([ok(0.0, 1.0, 2.0)], url="clip.mp4")
    h.worker.start()
    pts = [f.pts for f in h.worker]  # iteration ends once the worker has finished
    assert pts == [0.0, 1.0, 2.0]
    assert h.changes == [(S.CONNECTING, S.ONLINE), (S.ONLINE, S.FINISHED)]
    assert h.waits == [] and h.source.opens == 1
    assert h.worker.stop(JOIN_S)


def test_a_missing_file_finishes_with_the_error() -> None:
    h = Harness([Session(open_error=SourceError("video file not found: x.mp4"))], url="x.mp4")
    h.worker.start()
    assert list(h.worker) == []
    assert h.changes == [(S.CONNECTING, S.FINISHED)]
    assert "video file not found" in str(h.worker.error)


def test_a_looped_file_plays_again() -> None:
    h = Harness([ok(0.0, 1.0), ok(0.0, 1.0), ok()], url="clip.mp4", loop=True)
    h.worker.start()
    assert len(list(h.worker)) == 4
    assert h.changes == [(S.CONNECTING, S.ONLINE), (S.ONLINE, S.FINISHED)]
    assert h.source.opens == 3


@pytest.mark.parametrize(("queue_size", "frames"), [(4, 10), (1, 3), (5, 5)])
def test_a_slow_consumer_loses_the_oldest_frames(queue_size: int, frames: int) -> None:
    h = Harness([ok(*[float(i) for i in range(frames)])], url="clip.mp4", queue_size=queue_size)
    kept = h.run()
    assert kept == [float(i) for i in range(frames - queue_size, frames)]
    assert h.worker.dropped == frames - queue_size == h.worker.status().dropped


def test_stop_cuts_a_long_backoff_short() -> None:
    camera = CameraConfig(
        id="cam1", url=LIVE, reconnect={"backoff_initial_s": 600, "backoff_max_s": 600}
    )
    source = ScriptedSource(SourceSpec("cam1", LIVE), [refused()] * 3, ManualClock())
    failed = threading.Event()
    worker = CameraWorker(
        camera, source, on_state=lambda *a: None, options=WorkerOptions(rand=lambda: 0.999)
    )
    source.when_done = failed.set
    worker.start()
    assert worker.get(0.2) is None
    assert worker.stop(timeout=5.0)  # a default sleep waits on the stop event
    assert worker.state is S.STOPPED
    assert not failed.is_set()  # it was still in its first 10-minute backoff


def test_a_failing_callback_does_not_stop_the_camera() -> None:
    def explode(*_: object) -> None:
        raise RuntimeError("broker down")

    h = Harness([ok(0.0, 1.0)], url="clip.mp4")
    h.worker._on_state = explode
    h.worker.start()
    assert len(list(h.worker)) == 2
    assert h.worker.state is S.FINISHED


def test_pool_reads_all_cameras_round_robin(shared_data: Path) -> None:
    clips = {"a": "highway.avi", "b": "road.avi"}
    cameras = [
        CameraConfig(id=cid, url=str(shared_data / "video" / name)) for cid, name in clips.items()
    ]
    changes: list[tuple[str, S]] = []
    pool = CameraPool(
        cameras,
        on_state=lambda cid, old, new, why: changes.append((cid, new)),
        options=WorkerOptions(queue_size=64),
    ).start()
    frames = list(pool)
    assert pool.stop(JOIN_S)
    by_camera = {cid: [f.pts for f in frames if f.camera_id == cid] for cid in clips}
    assert all(by_camera.values())
    for pts in by_camera.values():
        assert all(b > a for a, b in zip(pts, pts[1:], strict=False))
    assert {(cid, S.FINISHED) for cid in clips} <= set(changes)
    assert [s.state for s in pool.status()] == [S.FINISHED, S.FINISHED]
    assert pool.get(0.01) is None
