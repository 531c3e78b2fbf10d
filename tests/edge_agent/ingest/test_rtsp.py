"""Integration: a real gst-rtsp-server on 127.0.0.1 serving one-by-one-person.mp4."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from edge_agent.config.models import CameraConfig
from edge_agent.frames import Frame
from edge_agent.ingest.camera import CameraWorker
from edge_agent.ingest.source import AvSource, SourceSpec
from edge_agent.ingest.states import CameraState
from tests.fixtures.rtsp import RtspServer

pytestmark = pytest.mark.integration

S = CameraState
WAIT_S = 30.0  # every wait in these tests is bounded by this
RECONNECT = {
    "open_timeout_s": 8.0,
    "read_timeout_s": 2.0,
    "stall_after_s": 3.0,
    "backoff_initial_s": 0.2,
    "backoff_max_s": 1.0,
    "offline_after_failures": 100,
}


class Watcher:
    """Records state changes and lets the test wait for one."""

    def __init__(self) -> None:
        self.changes: list[tuple[S, S, str]] = []
        self.cond = threading.Condition()

    def __call__(self, camera_id: str, old: S, new: S, reason: str) -> None:
        with self.cond:
            self.changes.append((old, new, reason))
            self.cond.notify_all()

    def wait_for(self, *states: S, after: int = 0) -> int:
        """Index of the first change to one of ``states`` from index ``after`` on (waits WAIT_S)."""

        def found() -> int | None:
            hits = [i for i, c in enumerate(self.changes) if i >= after and c[1] in states]
            return hits[0] if hits else None

        with self.cond:
            assert self.cond.wait_for(lambda: found() is not None, WAIT_S), (
                f"no change to {states} within {WAIT_S} s: {self.changes}"
            )
            index = found()
            assert index is not None
            return index


def take(worker: CameraWorker, count: int) -> list[Frame]:
    frames = []
    for _ in range(count):
        frame = worker.get(WAIT_S)
        assert frame is not None, f"no frame within {WAIT_S} s; state {worker.state.value}"
        frames.append(frame)
    return frames


def drain_until_online_again(worker: CameraWorker, watcher: Watcher, since: int) -> list[Frame]:
    """Frames still queued from before, up to the camera coming back, then two fresh ones."""
    frames = []
    deadline = time.monotonic() + WAIT_S
    while not any(c[1] is S.ONLINE for c in watcher.changes[since:]):
        assert time.monotonic() < deadline, f"not online again: {watcher.changes}"
        frame = worker.get(0.2)
        if frame is not None:
            frames.append(frame)
    return frames + take(worker, 2)


def start_worker(url: str) -> tuple[CameraWorker, Watcher]:
    watcher = Watcher()
    camera = CameraConfig(id="door", url=url, reconnect=RECONNECT)
    return CameraWorker(camera, on_state=watcher).start(), watcher


@pytest.fixture
def server(rtsp_server: Callable[..., RtspServer], shared_data: Path) -> RtspServer:
    return rtsp_server(shared_data / "video" / "one-by-one-person.mp4", path="/door")


def assert_increasing(frames: list[Frame]) -> None:
    pts = [f.pts for f in frames]
    assert all(b > a for a, b in zip(pts, pts[1:], strict=False)), pts


def test_worker_survives_a_killed_and_restarted_server(server: RtspServer) -> None:
    worker, watcher = start_worker(server.url)
    try:
        first = take(worker, 2)
        assert all(f.keyframe for f in first)
        online = watcher.wait_for(S.ONLINE)
        server.kill()
        down = watcher.wait_for(S.CONNECTING, S.STALLED, after=online)
        server.restart()
        later = drain_until_online_again(worker, watcher, down)
    finally:
        assert worker.stop(10.0)
    frames = first + later
    assert_increasing(frames)  # stream time never goes back, though the new session restarts at 0
    assert {f.image.shape for f in frames} == {(432, 768, 3)}
    assert worker.source.stats.sessions >= 2
    assert watcher.changes[-1][1] is S.STOPPED


def test_watchdog_reconnects_a_hung_server(server: RtspServer) -> None:
    worker, watcher = start_worker(server.url)
    try:
        first = take(worker, 1)
        online = watcher.wait_for(S.ONLINE)
        server.pause()  # sockets stay open, nothing arrives: only the watchdog can notice
        stalled = watcher.wait_for(S.STALLED, after=online)
        server.resume()
        later = drain_until_online_again(worker, watcher, stalled)
    finally:
        server.resume()
        assert worker.stop(10.0)
    assert watcher.changes[stalled][0] is S.ONLINE
    assert "no data" in watcher.changes[stalled][2] or "no frame" in watcher.changes[stalled][2]
    assert_increasing(first + later)


def test_source_reconnects_and_keeps_wall_labels_from_its_clock(server: RtspServer) -> None:
    t0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    wall = [t0]
    source = AvSource(SourceSpec("door", server.url, open_timeout_s=10), clock=lambda: wall[0])
    sessions = []
    for _ in range(2):  # a second client after the first one left is served too
        with source:
            sessions.append(next(source.frames()))
        wall[0] += timedelta(seconds=100)
    first, second = sessions
    assert source.epoch is not None
    # the clock less the time since the packet was read (the first picture's decode)
    near = timedelta(milliseconds=500)
    label = source.epoch + timedelta(seconds=first.pts)
    assert t0 - near < label <= t0
    label = source.epoch + timedelta(seconds=second.pts)
    assert t0 + timedelta(seconds=100) - near < label <= t0 + timedelta(seconds=100)
    assert second.pts > first.pts


def test_a_live_label_is_when_the_packet_came_not_when_its_decode_ended(
    server: RtspServer, monkeypatch
) -> None:
    """The first picture of a box's cameras starting at once may wait for a core: the epoch is
    set from the packet's arrival, or every later frame would be labelled that much late."""
    decode = AvSource._decode

    def slow(self, session, packet):
        time.sleep(0.3)
        return decode(self, session, packet)

    monkeypatch.setattr(AvSource, "_decode", slow)
    source = AvSource(SourceSpec("door", server.url, open_timeout_s=10))
    with source:
        frames = source.frames()
        before = datetime.now(UTC)
        frame = next(frames)
        after = datetime.now(UTC)
    assert source.epoch is not None
    label = source.epoch + timedelta(seconds=frame.pts)
    assert before - timedelta(milliseconds=50) <= label <= after - timedelta(milliseconds=250)


def test_a_live_label_settles_on_when_the_packets_come(server: RtspServer, monkeypatch) -> None:
    """The first packet read half a second after it came (FFmpeg reads ahead while opening; a
    box starting all its cameras at once may not get to it): the labels of the frames read as
    they are sent come back to their arrival instead of staying half a second in the future."""
    read = AvSource._next_packet
    late = [True]

    def first_late(self, packets):
        if late[0]:
            late[0] = False
            time.sleep(0.5)
        return read(self, packets)

    monkeypatch.setattr(AvSource, "_next_packet", first_late)
    source = AvSource(SourceSpec("door", server.url, open_timeout_s=10))
    ahead = []
    with source:
        for frame in source.frames():
            assert source.epoch is not None
            label = source.epoch + timedelta(seconds=frame.pts)
            ahead.append((label - datetime.now(UTC)).total_seconds())
            if frame.pts >= 4.0:
                break
    # the clip's keyframes are shown a frame (0.1 s) after they are sent (B-frames), and a frame
    # is labelled when it is shown: within that of its arrival, not the 0.5 s of the wait
    assert ahead[-1] <= 0.15, ahead
