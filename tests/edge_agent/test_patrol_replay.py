"""The daily patrol of watched places on a four-day timelapse of real footage, through
``edge-agent replay --jsonl``.

The timelapse (``scripts/make_scenario.py --days 4 --down-day 3``): the car park of
``car-park.mp4`` six times a day, 07:30 to 11:15 box local time (Asia/Shanghai), bursts of three
frames; no frame on the third day (the camera was down); a LEVIR roof from the fourth day's first
frame on. Two watched places see the same view (``configs/patrol-timelapse.yaml``): a stop-work
household (the keener construction watch) and a construction hot spot (the zone's own settings).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from typer.testing import CliRunner

from collector.transport.mosquitto import MosquittoBroker
from edge_agent.cli.main import app
from edge_agent.contract import topics, validate_incident
from edge_agent.contract.mqtt import BrokerSettings, MqttClient, Received
from edge_agent.contract.signing import key_id_for, verify
from tests.collector.transport.helpers import wait_until

pytestmark = pytest.mark.integration  # the incidents also go through a real Mosquitto

SHANGHAI = ZoneInfo("Asia/Shanghai")
CASE = "西塘违建〔2026〕12号"
DAYS = ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19"]
#: the timelapse: 6 steps a day 45 min apart from 07:30, 3 frames 30 s apart each
SCENARIO = [
    "--structure", "test_2_0000_0512", "--days", "4", "--down-day", "3", "--steps", "6",
    "--step-s", "2700", "--burst", "3", "--burst-gap-s", "30", "--appear-step", "18",
    "--start", "2026-02-16T07:30:00+08:00",
]  # fmt: skip


KEY = bytes(range(32))


class Listener:
    """What the box publishes under its prefix: incident payloads, evidence topics."""

    def __init__(self, url: str):
        self.incidents: list[dict] = []
        self.evidence: list[str] = []
        self._lock = threading.Lock()
        self.client = MqttClient(BrokerSettings(url, "patrol-listener", clean=True))
        self.client.subscribe(f"{topics.box_prefix('xitang', 'box-01')}/#", self._on_message)
        self.client.start()

    def _on_message(self, rec: Received) -> None:
        with self._lock:
            if rec.topic.endswith("/incident"):
                self.incidents.append(json.loads(rec.payload))
            elif "/evidence/" in rec.topic:
                self.evidence.append(rec.topic.rsplit("/", 1)[1])

    def count(self) -> int:
        with self._lock:
            return len(self.incidents)


def _box_config(repo_root: Path, tmp: Path, url: str) -> Path:
    """The repository's timelapse box, publishing signed to ``url`` (no collector: no receipts)."""
    raw = yaml.safe_load((repo_root / "configs/patrol-timelapse.yaml").read_text("utf-8"))
    (tmp / "box-01.key").write_text(KEY.hex())
    raw["mqtt"] = {
        "url": url,
        "signing_key_file": str(tmp / "box-01.key"),
        "outbox": {"path": str(tmp / "outbox.sqlite")},
        "receipts": {"enabled": False},
    }
    raw["evidence"] = {"dir": str(tmp / "evidence")}
    path = tmp / "box.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def patrol_run(tmp_path_factory, repo_root) -> dict:
    tmp = tmp_path_factory.mktemp("patrol")
    video = tmp / "patrol.mkv"
    script = repo_root / "scripts/make_scenario.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(video), *SCENARIO],
        check=True,
        capture_output=True,
    )
    broker = MosquittoBroker(tmp / "broker").start()
    listener = Listener(broker.url)
    try:
        config = _box_config(repo_root, tmp, broker.url)  # replay reads the video it is given
        out, evidence = tmp / "r.jsonl", tmp / "evidence"
        args = ["replay", str(video), "--config", str(config), "--jsonl", str(out)]
        args += ["--evidence-dir", str(evidence), "--baseline-dir", str(tmp / "baselines")]
        res = CliRunner().invoke(app, [*args, "--mqtt", broker.url])
        assert res.exit_code == 0, res.output
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        incidents = [x["incident"] for x in lines if x["kind"] == "incident"]
        wait_until(lambda: listener.count() >= len(incidents), 20, "every incident published")
    finally:
        listener.client.stop()
        broker.stop()
    return {
        "incidents": incidents,
        "published": listener.incidents,
        "published_evidence": listener.evidence,
        "evidence": evidence,
        "truth": json.loads(video.with_suffix(".json").read_text()),
    }


def _patrols(incidents: list[dict], zone: str) -> list[dict]:
    return [i for i in incidents if i["kind"] == "patrol_check" and i["zone"] == zone]


def _opened_change(incidents: list[dict], zone: str) -> dict:
    opened = [
        i
        for i in incidents
        if i["kind"] == "construction_change" and i["zone"] == zone and i["state"] == "opened"
    ]
    assert len(opened) == 1, opened
    return opened[0]


def test_one_patrol_a_day_per_watched_place_with_its_verdict(patrol_run):
    incidents = patrol_run["incidents"]
    household = _patrols(incidents, "household")
    assert [p["patrol"]["day"] for p in household] == DAYS
    assert [p["patrol"]["verdict"] for p in household] == [
        "unchanged",
        "unchanged",
        "camera_down",
        "changed",
    ]
    change = _opened_change(incidents, "household")
    assert household[3]["patrol"]["change_id"] == change["id"]
    assert household[3]["metrics"]["bbox"] == change["metrics"]["bbox"]  # the construction result
    gx1, gy1, gx2, gy2 = patrol_run["truth"]["structure"]["final_bbox"]
    x1, y1, x2, y2 = change["metrics"]["bbox"]
    assert x1 < gx2 and gx1 < x2 and y1 < gy2 and gy1 < y2, "the change is the roof"
    hotspot = _patrols(incidents, "hotspot")
    assert [p["patrol"]["day"] for p in hotspot] == DAYS
    assert len({p["id"] for p in household + hotspot}) == 8, "each patrol its own incident"


def test_patrol_frames_are_in_the_window_by_stream_time(patrol_run):
    """The first frame of each up day inside 09:00-11:00 local (the 09:00 burst); the down day
    is dated over its window, with no frame and no stream time."""
    for p in _patrols(patrol_run["incidents"], "household"):
        seen = datetime.fromisoformat(p["observed_at"]).astimezone(SHANGHAI)
        assert seen.date().isoformat() == p["patrol"]["day"]
        assert (p["level"], p["state"], p["seq"], p["patrol"]["window"]) == (
            "info",
            "opened",
            0,
            "09:00-11:00",
        )
        if p["patrol"]["verdict"] == "camera_down":
            assert (seen.hour, seen.minute) == (11, 0)
            start = datetime.fromisoformat(p["started_at"]).astimezone(SHANGHAI)
            assert (start.hour, start.minute) == (9, 0)
            assert (
                p["evidence"] == [] and "stream_pts" not in p and "reference_at" not in p["patrol"]
            )
        else:
            assert (seen.hour, seen.minute, seen.second) == (9, 0, 0)
            assert p["patrol"]["reference_at"] < p["observed_at"]


def test_patrol_evidence_is_the_days_frame_and_the_reference(patrol_run):
    for p in _patrols(patrol_run["incidents"], "household"):
        if p["patrol"]["verdict"] == "camera_down":
            continue
        roles = {e["role"]: e for e in p["evidence"]}
        assert set(roles) == {"after", "before"}
        for e in roles.values():
            data = (patrol_run["evidence"] / e["name"]).read_bytes()
            assert data[:2] == b"\xff\xd8" and len(data) == e["bytes"] <= 200_000


def test_every_incident_of_a_watched_place_names_it_and_validates(patrol_run):
    incidents = patrol_run["incidents"]
    assert {i["kind"] for i in incidents} == {"patrol_check", "construction_change"}
    for inc in incidents:
        validate_incident(inc)
        assert inc["schema_version"] == "1.2"
        want = {"kind": "construction_hotspot"}
        if inc["zone"] == "household":
            want = {"kind": "stop_work_household", "case_number": CASE}
        assert inc["watched_place"] == want


def test_the_stop_work_household_finds_the_structure_earlier(patrol_run):
    """Same view, same roof: the household's watch (at most 2 observations over 15 min) opens at
    the fourth day's 08:15 burst; the hot spot's (3 over 30 min) at the 09:00 one, after that
    burst's first frame made the day's patrol, which so still reads unchanged."""
    incidents = patrol_run["incidents"]
    household = _opened_change(incidents, "household")
    hotspot = _opened_change(incidents, "hotspot")
    appear = patrol_run["truth"]["structure"]["appear_pts"]
    assert appear <= household["stream_pts"] < hotspot["stream_pts"]
    assert hotspot["stream_pts"] - household["stream_pts"] >= 2700  # a whole step earlier
    assert _patrols(incidents, "hotspot")[3]["patrol"]["verdict"] == "unchanged"


def test_patrol_checks_are_published_signed_with_their_evidence(patrol_run):
    """Through the box's outbox and publisher like every incident: the same events, signed by
    the box's key, their pictures on the evidence topics."""
    written = {i["event_id"]: i for i in _patrols(patrol_run["incidents"], "household")}
    published = {i["event_id"]: i for i in patrol_run["published"] if i["kind"] == "patrol_check"}
    assert set(written) <= set(published) and len(published) == 8
    for event_id, payload in published.items():
        assert verify(payload, {key_id_for("xitang", "box-01"): KEY}) is None
        validate_incident(payload)
        if event_id in written:
            assert {k: v for k, v in payload.items() if k != "signature"} == written[event_id]
        for e in payload["evidence"]:
            assert e["name"] in patrol_run["published_evidence"]
