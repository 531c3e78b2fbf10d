"""The RTSP load bench: real streams, a real agent process, Mosquitto, a collector filing tickets."""

from __future__ import annotations

import time

import av
import numpy as np
import pytest

from collector.endtoend.rtsp_load import LoadOptions, StepResult, run_load, start_server, summary


def _step(n: int, rss: float, realtime: bool, p95: float | None = 900.0) -> StepResult:
    return StepResult(
        n, 0.1 * n, rss, 1.0, 1.0, 0.5, 0, 0, 0, n, 500.0, p95, 700.0, 200.0, realtime
    )


def test_summary_takes_the_largest_step_held_and_the_rss_slope():
    out = summary([_step(16, 400, True), _step(32, 560, True, 1200.0), _step(64, 880, False)])
    assert out["cameras_rtsp_realtime"] == 32
    assert out["latency_p95_ms"] == 1200.0
    assert out["mb_per_camera"] == 10.0  # (560 - 400) / (32 - 16): the steps held
    behind = summary([_step(16, 400, True), _step(32, 500, True), _step(64, 1400, False)])
    assert behind["mb_per_camera"] == 6.25  # not (1400 - 400) / 48: full queues of a step behind


def test_summary_of_a_run_that_never_held():
    out = summary([_step(16, 400, False)])
    assert out["cameras_rtsp_realtime"] == 0 and out["latency_p95_ms"] is None
    assert out["mb_per_camera"] is None


@pytest.mark.integration
def test_two_streams_reach_tickets_in_real_time(shared_data, tmp_path):
    opts = LoadOptions(
        video=shared_data / "video" / "one-by-one-person.mp4",
        steps=[2],
        # from after the box's first metrics (every 5 s, once its model is loaded), across the
        # clip's second person (24 s after the stream starts; an empty lane is looked at every
        # 10 s before, and the first one is seen on a single keyframe at 7 s)
        warmup_s=10,
        measure_s=20,
        workdir=tmp_path,
    )
    [result] = run_load(opts, say=lambda _: None)
    assert result.cameras == 2 and result.handled_fps_min > 0.5
    assert result.incidents_filed > 0 and result.latency_p95_ms is not None
    assert 0 < result.latency_p95_ms < 30_000
    # heard at the broker too: the agent's part and the center's part of it
    assert 0 < result.agent_latency_p95_ms < 30_000 and 0 < result.center_latency_p95_ms < 30_000
    assert 0 < result.agent_cores < 2 and result.rss_mb > 50


def test_the_served_paths_send_their_keyframes_at_different_moments(shared_data, tmp_path):
    """Cameras on an NVR start on their own: the rig's paths are not one keyframe burst."""
    server, port = start_server(shared_data / "video" / "one-by-one-person.mp4", 2, tmp_path)
    try:
        phases = [_keyframe_phase(f"rtsp://127.0.0.1:{port}/cam{i}") for i in (0, 1)]
    finally:
        server.terminate()
        server.wait(timeout=10)
    apart = abs(phases[0] - phases[1]) % 1.0
    assert 0.3 < apart < 0.7, phases  # path 1 is sent 0.618 s of a second later than path 0


def _keyframe_phase(url: str) -> float:
    """Wall time mod 1 s at which the keyframes come, once the read-ahead of opening is past."""
    with av.open(url, options={"rtsp_transport": "tcp"}, timeout=10) as container:
        stream = container.streams.video[0]
        seen = []
        for packet in container.demux(stream):
            if packet.is_keyframe:
                seen.append(time.time() % 1.0)
            if len(seen) == 6:
                return float(np.median(seen[3:]))
    raise AssertionError(f"{url}: too few keyframes")
