"""edge-agent run's core: several file cameras, one shared detector, live threshold reloads."""

from __future__ import annotations

import json
import threading

import jsonschema
import pytest
import yaml

from edge_agent.agent import (
    CONTRACT_CAMERA_STATE,
    ConfigWatcher,
    EdgeAgent,
    contract_camera_state,
)
from edge_agent.config import load
from edge_agent.config.edit import set_threshold
from edge_agent.contract import load_schema
from edge_agent.contract.incident import IncidentKind
from edge_agent.detect.detector import PROJECT_ROOT, build_detector
from edge_agent.ingest import CameraState, WorkerOptions
from edge_agent.sinks import ListSink
from tests.edge_agent.helpers import ONE_PERSON_ALARM, WHOLE_FRAME


def box_config(tmp_path, shared_data, **thresholds) -> dict:
    th = ONE_PERSON_ALARM | thresholds
    whole = WHOLE_FRAME
    return {
        "box": {"site_id": "xitang", "box_id": "box-07"},
        "model": {"path": str(PROJECT_ROOT / "models/ssdlite_mobilenet_v2_person.onnx")},
        "evidence": {"dir": str(tmp_path / "evidence")},
        "baseline_dir": str(tmp_path / "baselines"),
        "analysis_threads": 2,
        "defaults": {"thresholds": th},
        "cameras": [
            {
                "id": "room",
                "url": str(shared_data / "video/one-by-one-person.mp4"),
                "zones": [
                    {
                        "id": "floor",
                        "kind": "square",
                        "grid_cell": "330421101001001",
                        "polygon": whole,
                    }
                ],
            },
            {
                "id": "park",
                "url": str(shared_data / "video/car-park.mp4"),
                "zones": [
                    {
                        "id": "lot",
                        "kind": "square",
                        "grid_cell": "330421101001002",
                        "polygon": whole,
                    }
                ],
            },
        ],
    }


@pytest.fixture(scope="module")
def detector():
    return build_detector(load_model_cfg(), PROJECT_ROOT)


def load_model_cfg():
    from edge_agent.config.models import ModelConfig

    return ModelConfig()


def test_all_cameras_analysed_in_order_and_incidents_from_the_right_one(
    tmp_path, shared_data, detector
):
    f = tmp_path / "box.yaml"
    f.write_text(yaml.safe_dump(box_config(tmp_path, shared_data)))
    cfg = load(f)
    sink = ListSink()
    # a queue as long as the file: nothing dropped, so the counts are exact
    agent = EdgeAgent(cfg, detector, sink, worker_options=WorkerOptions(queue_size=2000))
    agent.run(max_seconds=120)
    assert agent.stats.frames == {"room": 140, "park": 7}  # the keyframes of each file
    crowd = [i for i in sink.events if i.kind is IncidentKind.CROWD_DENSITY]
    assert crowd and {i.camera for i in crowd} == {"room"}
    assert {i.box for i in crowd} == {"box-07"}
    for i in crowd:
        assert (tmp_path / "evidence").is_dir()
        for ev in i.evidence:
            assert (tmp_path / "evidence" / ev.name).is_file()


def test_threshold_change_is_applied_without_restart(tmp_path, shared_data, detector):
    f = tmp_path / "box.yaml"
    f.write_text(yaml.safe_dump(box_config(tmp_path, shared_data)))
    cfg = load(f)
    agent = EdgeAgent(cfg, detector, ListSink())
    reloaded = threading.Event()
    watcher = ConfigWatcher(f, lambda c: (agent.apply_config(c), reloaded.set()))
    set_threshold(f, "room", "floor", "clear_after_s", 42, user="test")
    assert watcher.poll() is True and reloaded.is_set()
    assert agent.pipelines["room"].crowd["floor"].thresholds.clear_after_s == 42
    # a broken file is refused and the running thresholds stay
    f.write_text(f.read_text().replace("clear_after_s: 42", "clear_after_s: -1"))
    assert watcher.poll() is False
    assert agent.pipelines["room"].crowd["floor"].thresholds.clear_after_s == 42
    audit = [json.loads(x) for x in (tmp_path / "var/audit.jsonl").read_text().splitlines()]
    assert audit[-1]["new"] == 42 and audit[-1]["user"] == "test"


def test_a_frame_the_analysis_fails_on_is_counted_and_the_camera_goes_on(
    tmp_path, shared_data, detector
):
    f = tmp_path / "box.yaml"
    f.write_text(yaml.safe_dump(box_config(tmp_path, shared_data)))
    agent = EdgeAgent(load(f), detector, ListSink(), worker_options=WorkerOptions(queue_size=2000))
    pipeline = agent.pipelines["room"]
    original, seen = pipeline.complete, []

    def every_tenth_fails(frame, *args):
        seen.append(frame.pts)
        if len(seen) % 10 == 1:
            raise RuntimeError("a bug on this frame")
        return original(frame, *args)

    pipeline.complete = every_tenth_fails
    agent.run(max_seconds=120)
    failed = (len(seen) + 9) // 10
    assert len(seen) > 10
    assert agent.stats.errors == {"room": failed}
    assert agent.stats.frames["room"] == len(seen) - failed
    assert agent.stats.frames["park"] > 0


def test_a_camera_removed_from_the_file_keeps_the_others_reloading(tmp_path, shared_data, detector):
    raw = box_config(tmp_path, shared_data)
    agent = EdgeAgent(load_dict(tmp_path / "a.yaml", raw), detector, ListSink())
    raw["cameras"] = raw["cameras"][:1]
    raw["defaults"]["thresholds"]["clear_after_s"] = 42
    agent.apply_config(load_dict(tmp_path / "b.yaml", raw))
    assert agent.stats.reloads == 1
    assert agent.pipelines["room"].crowd["floor"].thresholds.clear_after_s == 42
    assert agent.pipelines["park"].crowd["lot"].thresholds.clear_after_s == 2  # as it ran


def load_dict(path, raw: dict):
    path.write_text(yaml.safe_dump(raw))
    return load(path)


def test_every_camera_state_has_a_word_of_the_status_contract():
    allowed = load_schema("status")["$defs"]["camera"]["properties"]["state"]["enum"]
    assert set(CONTRACT_CAMERA_STATE) == set(CameraState)
    assert set(CONTRACT_CAMERA_STATE.values()) <= set(allowed)
    assert {contract_camera_state(s.value) for s in CameraState} <= set(allowed)


def test_camera_health_accounts_for_every_decoded_frame(tmp_path, shared_data, detector):
    f = tmp_path / "box.yaml"
    f.write_text(yaml.safe_dump(box_config(tmp_path, shared_data)))
    health: dict[str, tuple[str, float, int]] = {}
    agent = EdgeAgent(
        load(f),
        detector,
        ListSink(),
        on_camera_health=lambda cam, state, fps, dropped: health.update(
            {cam: (state, fps, dropped)}
        ),
        worker_options=WorkerOptions(queue_size=1),  # the decoders outrun the analysis: drops
    )
    agent.run(max_seconds=120)
    workers = {cid: w for pool in agent.pools for cid, w in pool.workers.items()}
    assert set(health) == set(workers)
    for cid, worker in workers.items():
        state, _, dropped = health[cid]
        assert state == CameraState.FINISHED.value
        assert dropped == worker.dropped
        assert agent.stats.frames.get(cid, 0) + dropped == worker.source.stats.yielded


class RecordingWatcher:
    """A whole-frame watch that notes what the agent hands it."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def observe(self, frame, objects, observed_at) -> list:
        self.calls.append("observe")
        return []

    def flush(self) -> list:
        self.calls.append("flush")
        return []


def test_a_file_camera_at_its_end_flushes_its_watchers_once(tmp_path, shared_data, detector):
    f = tmp_path / "box.yaml"
    f.write_text(yaml.safe_dump(box_config(tmp_path, shared_data)))
    agent = EdgeAgent(load(f), detector, ListSink(), worker_options=WorkerOptions(queue_size=2000))
    watchers = {cid: RecordingWatcher() for cid in agent.pipelines}
    for cid, watcher in watchers.items():
        agent.pipelines[cid].watchers["whole"] = watcher
    agent.run(max_seconds=120)
    for cid, watcher in watchers.items():
        assert watcher.calls == ["observe"] * agent.stats.frames[cid] + ["flush"]


def test_construction_settings_changed_in_the_file_reach_the_running_watch(
    tmp_path, shared_data, detector
):
    raw = box_config(tmp_path, shared_data)
    raw["cameras"][1]["zones"].append(
        {
            "id": "yard",
            "kind": "construction_watch",
            "grid_cell": "330421101001002",
            "polygon": [[0, 0], [300, 0], [300, 200], [0, 200]],
        }
    )
    f = tmp_path / "box.yaml"
    f.write_text(yaml.safe_dump(raw))
    agent = EdgeAgent(load(f), detector, ListSink())
    before = agent.pipelines["park"].watchers["yard"]
    watcher = ConfigWatcher(f, agent.apply_config)
    set_threshold(f, "park", "yard", "construction.persist_observations", 7, user="test")
    assert watcher.poll() is True
    after = agent.pipelines["park"].watchers["yard"]
    # the same watch, keeping its tracks and references, with the new setting
    assert after is before and after.s.persist_observations == 7
    assert after.tracker.m == 7
    set_threshold(f, "park", "lot", "clear_after_s", 9, user="test")  # not a construction key
    assert watcher.poll() is True
    assert agent.pipelines["park"].watchers["yard"] is after


def test_the_same_config_again_is_not_a_reload(tmp_path, shared_data, detector):
    """A remote change is applied by the control handler, then the rewritten file is seen by
    the file watcher: the second sighting changes nothing and is not counted."""
    raw = box_config(tmp_path, shared_data)
    agent = EdgeAgent(load_dict(tmp_path / "a.yaml", raw), detector, ListSink())
    raw["defaults"]["thresholds"]["clear_after_s"] = 42
    changed = load_dict(tmp_path / "b.yaml", raw)
    agent.apply_config(changed)
    agent.apply_config(load_dict(tmp_path / "c.yaml", raw))
    assert agent.stats.reloads == 1


def test_cameras_share_inference_runs_and_report_their_cadence(tmp_path, shared_data, detector):
    raw = box_config(tmp_path, shared_data) | {"analysis_threads": 1}
    raw["batch"] = {"max_size": 4, "deadline_ms": 50}
    f = tmp_path / "box.yaml"
    f.write_text(yaml.safe_dump(raw))
    agent = EdgeAgent(load(f), detector, ListSink(), worker_options=WorkerOptions(queue_size=2000))
    agent.run(max_seconds=120)
    report = agent.analysis_report()
    payload = {
        "schema_version": "1.0",
        "site": "xitang",
        "box": "box-07",
        "at": "2026-12-02T00:00:00Z",
        "outbox": {"depth": 0, "oldest_age_s": None, "bytes": 0, "dropped": {}},
        "cameras": {},
        "analysis": report,
    }
    jsonschema.validate(payload, load_schema("metrics"))
    for cam, frames in {"room": 140, "park": 7}.items():
        counts = report["cameras"][cam]
        assert sum(counts.values()) == frames == agent.stats.frames[cam]
    room = report["cameras"]["room"]
    assert room["gated"] + room["skipped"] > 0, "the adaptive cadence left keyframes out"
    runs = {int(size): n for size, n in report["batches"].items()}
    assert sum(size * n for size, n in runs.items()) == sum(
        c["analysed"] for c in report["cameras"].values()
    )
    assert 2 <= max(runs) <= 4, "keyframes went to the detector together, at most max_size"
