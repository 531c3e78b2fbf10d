"""``edge-agent replay --mqtt`` into a live collector (real clip, real Mosquitto): the events are
marked as a replay, filed apart at the recording's own time, and left out of statistics and
escalation; a live event of the same zone opens its own ticket."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from collector.grid.store import import_center
from collector.ingest.filing import default_filer
from collector.stats import compute_stats
from collector.store import open_store
from collector.tickets import list_tickets
from collector.tickets.escalation import escalate, escalation_candidates
from collector.transport.config import CollectorConfig
from collector.transport.service import IngestService
from edge_agent.cli.main import app as agent_app
from tests.collector.builders import GRID, example_center, incident
from tests.collector.transport.helpers import wait_until
from tests.edge_agent.helpers import ONE_PERSON_ALARM, WHOLE_FRAME

pytestmark = pytest.mark.integration
RECORDED = datetime(2017, 3, 14, 10, 0, tzinfo=UTC)  # when the clip was "recorded"


def box_yaml(tmp_path: Path, video: Path, url: str) -> Path:
    raw = {
        "box": {"site_id": "xitang", "box_id": "box-01"},
        "mqtt": {"url": url, "outbox": {"path": str(tmp_path / "outbox.sqlite")}},
        "defaults": {"thresholds": ONE_PERSON_ALARM | {"update_interval_s": 1e6}},
        "cameras": [
            {
                "id": "alley-01",
                "url": str(video),
                "zones": [
                    {
                        "id": "lane-north",
                        "kind": "alley",
                        "grid_cell": "330421101001001",
                        "polygon": WHOLE_FRAME,
                    }
                ],
            }
        ],
    }
    path = tmp_path / "box.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_a_replay_is_filed_apart_and_kept_out_of_statistics(tmp_path, mosquitto, shared_data):
    cfg = CollectorConfig.model_validate(
        {
            "broker": {"url": mosquitto.url, "client_id": "collector-replay"},
            "db": str(tmp_path / "center.sqlite"),
            "require_signatures": False,
        }
    )
    center, geojson = example_center()
    db = open_store(cfg.db)
    import_center(db, center, geojson, str(GRID))
    service = IngestService(cfg, filer=default_filer())
    service.start()
    try:
        video = shared_data / "video/one-by-one-person.mp4"
        args = ["replay", str(video), "--config", str(box_yaml(tmp_path, video, mosquitto.url))]
        args += ["--camera", "alley-01", "--mqtt", mosquitto.url, "--start", RECORDED.isoformat()]
        result = CliRunner().invoke(agent_app, args)
        assert result.exit_code == 0, result.output
        count = lambda: db.execute("SELECT COUNT(*) FROM ingest_incidents WHERE filed = 1")  # noqa: E731
        wait_until(lambda: count().fetchone()[0] >= 2, 30, "the replayed events filed")
        stored = [json.loads(r[0]) for r in db.execute("SELECT payload FROM ingest_incidents")]
        assert {(p["schema_version"], p.get("replay")) for p in stored} == {("1.1", True)}
        replayed = list_tickets(db)
        assert replayed and {t.source for t in replayed} == {"replay"}
        # at the recording's own time, not today's
        assert {t.received_at.date() for t in replayed} == {RECORDED.date()}
        assert all(t.state.value == "received" and not t.units for t in replayed)
        # a live event of the same zone, at the same recorded time, does not join a replay
        live = incident(RECORDED + timedelta(minutes=1), camera="alley-01", zone="lane-north")
        default_filer()(db, live)
    finally:
        service.stop()
    live_tickets = [t for t in list_tickets(db) if t.source == "incident"]
    assert len(live_tickets) == 1
    overall = compute_stats(db, center, as_of=RECORDED + timedelta(days=1)).overall
    assert overall.received == 1  # only the live ticket counts
    assert set(escalation_candidates(db)) <= {live_tickets[0].id}
    assert all(n.ticket_id == live_tickets[0].id for n in escalate(db, datetime.now(UTC), center))
