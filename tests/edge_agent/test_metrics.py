"""The agent's metrics as prometheus-client's parser reads them (no server, a fake clock)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from edge_agent.metrics import AgentMetrics


def samples(m: AgentMetrics) -> dict[str, dict[tuple, float]]:
    out: dict[str, dict[tuple, float]] = {}
    text = generate_latest(m.registry).decode()
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, {})[tuple(sorted(s.labels.items()))] = s.value
    return out


@dataclass
class FakeOutbox:
    depth: int = 3
    oldest_age_s: float | None = 12.5
    dropped: dict[str, int] = field(default_factory=lambda: {"status": 2})


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_reconnects_count_returns_to_connecting_only():
    m = AgentMetrics()
    for state in ["online", "stalled", "connecting", "online", "connecting", "connecting"]:
        m.camera_state("cam", state)
    m.camera_state("new", "connecting")  # the first state of a camera is no reconnect
    got = samples(m)
    assert got["gridwatch_camera_reconnects_total"] == {
        (("camera", "cam"),): 2.0,
        (("camera", "new"),): 0.0,
    }
    states = got["gridwatch_camera_state"]
    assert states[(("camera", "cam"), ("state", "connecting"))] == 1.0
    assert sum(v for k, v in states.items() if k[0] == ("camera", "cam")) == 1.0


def test_skipped_fps_is_the_rate_between_two_health_reports():
    clock = Clock()
    m = AgentMetrics(clock=clock)
    m.camera_health("cam", "online", 1.0, 0)
    m.frames_skipped("cam", 8)
    clock.now += 2.0
    m.camera_health("cam", "online", 1.5, 4)
    got = samples(m)
    assert got["gridwatch_camera_skipped_fps"][(("camera", "cam"),)] == 4.0
    assert got["gridwatch_camera_analysed_fps"][(("camera", "cam"),)] == 1.5
    assert got["gridwatch_camera_skipped_frames_total"][(("camera", "cam"),)] == 8.0
    assert got["gridwatch_camera_dropped_frames_total"][(("camera", "cam"),)] == 4.0


def test_skipped_so_far_keeps_the_cadence_count_and_batches_are_counted_per_size():
    clock = Clock()
    m = AgentMetrics(clock=clock)
    m.camera_health("cam", "online", 1.0, 0)
    m.skipped_so_far("cam", 6)
    clock.now += 3.0
    m.camera_health("cam", "online", 0.5, 0)
    m.watch(batches=lambda: {"2": 5, "1": 7, "10": 1})
    got = samples(m)
    assert got["gridwatch_camera_skipped_fps"][(("camera", "cam"),)] == 2.0
    assert got["gridwatch_camera_skipped_frames_total"][(("camera", "cam"),)] == 6.0
    runs = got["gridwatch_detector_batch_runs_total"]
    assert runs == {(("size", "1"),): 7.0, (("size", "2"),): 5.0, (("size", "10"),): 1.0}


def test_inference_histogram_per_model_and_watched_values():
    m = AgentMetrics()
    for seconds in (0.004, 0.012, 0.3):
        m.detection_timings("ssd.onnx", {"preprocess": 0.001, "inference": seconds})
    m.watch(analysed=lambda: {"cam": 42}, outbox=FakeOutbox)
    got = samples(m)
    model = (("model", "ssd.onnx"),)
    assert got["gridwatch_detector_inference_seconds_count"][model] == 3
    assert abs(got["gridwatch_detector_inference_seconds_sum"][model] - 0.316) < 1e-9
    le = got["gridwatch_detector_inference_seconds_bucket"]
    assert le[(("le", "0.005"), ("model", "ssd.onnx"))] == 1
    assert le[(("le", "0.015"), ("model", "ssd.onnx"))] == 2
    assert got["gridwatch_camera_analysed_frames_total"] == {(("camera", "cam"),): 42.0}
    assert got["gridwatch_outbox_depth"][()] == 3
    assert got["gridwatch_outbox_oldest_age_seconds"][()] == 12.5
    assert got["gridwatch_outbox_dropped_messages_total"] == {(("kind", "status"),): 2.0}


def test_an_empty_outbox_has_age_zero():
    m = AgentMetrics()
    m.watch(outbox=lambda: FakeOutbox(depth=0, oldest_age_s=None, dropped={}))
    got = samples(m)
    assert got["gridwatch_outbox_depth"][()] == 0
    assert got["gridwatch_outbox_oldest_age_seconds"][()] == 0
