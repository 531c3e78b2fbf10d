"""edge-agent's core on a real RTSP camera (gst-rtsp-server on 127.0.0.1), killed and restarted."""

from __future__ import annotations

import threading
import time

import pytest

from edge_agent.config import parse
from edge_agent.config.models import ModelConfig
from edge_agent.detect.detector import PROJECT_ROOT, build_detector
from edge_agent.sinks import ListSink

pytestmark = pytest.mark.integration
WAIT_S = 40.0


def wait_until(predicate, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {WAIT_S} s: {what}")


def test_agent_reads_rtsp_in_keyframe_mode_and_reconnects(rtsp_server, shared_data, tmp_path):
    from edge_agent.agent import EdgeAgent

    server = rtsp_server(shared_data / "video/one-by-one-person.mp4")
    cfg = parse(
        {
            "box": {"site_id": "xitang", "box_id": "box-01"},
            "evidence": {"dir": str(tmp_path / "ev")},
            "cameras": [
                {
                    "id": "alley-01",
                    "url": server.url,
                    "decode": "keyframes",
                    # every keyframe decoded, so that their spacing shows (a quiet lane's reader
                    # otherwise decodes one in two: tests/edge_agent/test_adaptive_accuracy.py)
                    "cadence": {"quiet_look_every_s": 0},
                    "reconnect": {
                        "open_timeout_s": 4,
                        "read_timeout_s": 2,
                        "stall_after_s": 3,
                        "backoff_initial_s": 0.2,
                        "backoff_max_s": 1,
                    },
                    "zones": [
                        {
                            "id": "lane",
                            "kind": "alley",
                            "grid_cell": "330421101001001",
                            "polygon": [[0, 0], [768, 0], [768, 432], [0, 432]],
                            "area_m2": 30,
                        }
                    ],
                }
            ],
        }
    )
    states: list[str] = []
    pts: list[float] = []
    agent = EdgeAgent(
        cfg,
        build_detector(ModelConfig(), PROJECT_ROOT),
        ListSink(),
        on_camera_state=lambda cam, state: states.append(state),
    )
    pipeline = agent.pipelines["alley-01"]
    original = pipeline.plan  # every keyframe is planned, whether the detector runs on it or not
    pipeline.plan = lambda frame: (pts.append(frame.pts), original(frame))[1]
    runner = threading.Thread(target=agent.run, kwargs={"max_seconds": 90}, daemon=True)
    runner.start()
    try:
        wait_until(lambda: len(pts) >= 5, "first keyframes analysed")
        assert "online" in states
        # keyframe mode: one analysed frame per second of video (GOP of 10 at 10 fps), not 10
        gaps = [round(b - a, 2) for a, b in zip(pts, pts[1:], strict=False)]
        assert sum(abs(g - 1.0) < 0.2 for g in gaps) >= len(gaps) - 1, gaps
        server.kill()
        wait_until(lambda: states[-1] != "online", "the agent notices the dead camera")
        before = len(pts)
        server.restart()
        wait_until(lambda: len(pts) >= before + 3, "frames again after the restart")
        assert states[-1] == "online"
        assert all(b > a for a, b in zip(pts, pts[1:], strict=False)), "stream time never goes back"
    finally:
        agent.stop()
        runner.join(timeout=20)
    assert not runner.is_alive()
