"""The daily patrol from a real box publisher (signed, outbox, QoS 1) through a real Mosquitto
into the real ingest service: two days of a stop-work household, one changed (a 9004 ticket
holding the case number), one with the camera down."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from collector.grid.store import import_center, load_center, read_center
from collector.ingest.filing import default_filer
from collector.patrol import place_period
from collector.store import open_store
from collector.tickets import list_tickets
from collector.transport.config import CollectorConfig
from collector.transport.service import IngestService
from edge_agent.config import parse
from edge_agent.contract.patrol import Verdict
from edge_agent.publish import MqttPublisher
from tests.collector.builders import local
from tests.collector.patrol.places import HOUSEHOLD, change_sent, patrol_sent
from tests.collector.transport.helpers import wait_until

pytestmark = pytest.mark.integration

KEY = bytes(range(11, 43))
DAY = date(2026, 2, 17)


@pytest.fixture
def center(tmp_path: Path, mosquitto):
    keys = tmp_path / "box-keys.yaml"
    keys.write_text(yaml.safe_dump({"xitang/box-01": KEY.hex()}))
    cfg = CollectorConfig.model_validate(
        {
            "broker": {"url": mosquitto.url, "client_id": "collector-patrol"},
            "db": str(tmp_path / "center.sqlite"),
            "box_keys_file": str(keys),
        }
    )
    db = open_store(cfg.db)
    center_cfg, _, geojson = read_center("configs/grid/cells.geojson")
    import_center(db, center_cfg, geojson, "configs/grid")
    db.close()
    svc = IngestService(cfg, filer=default_filer())
    svc.start()
    yield svc
    svc.stop()


@pytest.fixture
def box(tmp_path: Path, mosquitto):
    (tmp_path / "box-01.key").write_text(KEY.hex())
    cfg = parse(
        {
            "box": {"site_id": "xitang", "box_id": "box-01"},
            "mqtt": {
                "url": mosquitto.url,
                "signing_key_file": str(tmp_path / "box-01.key"),
                "outbox": {"path": str(tmp_path / "outbox.sqlite")},
            },
            "evidence": {"dir": str(tmp_path / "evidence")},
            "cameras": [{"id": "build-02", "url": "x.mp4"}],
        }
    )
    pub = MqttPublisher.from_config(cfg, base_dir=tmp_path)
    pub.start()
    yield pub, tmp_path / "evidence"
    pub.stop(drain_timeout_s=1)


def test_a_households_patrol_through_mosquitto(center, box) -> None:
    publisher, evidence = box
    evidence.mkdir()
    change = change_sent(HOUSEHOLD, local(2026, 2, 17, 9, 30))
    events = [
        change,
        patrol_sent(HOUSEHOLD, DAY, Verdict.CHANGED, change_id=change.incident.id),
        patrol_sent(HOUSEHOLD, date(2026, 2, 18), Verdict.CAMERA_DOWN),
    ]
    for e in events:
        for name, data in e.files.items():
            (evidence / name).write_bytes(data)
        publisher.emit(e.incident)
    wait_until(lambda: center.stats.filed >= len(events), 60, "every event filed")
    wait_until(lambda: publisher.wait_drained(0.1), 30, "every image received")

    db = open_store(center.cfg.db)
    [ticket] = list_tickets(db)
    assert (ticket.category, ticket.case_number) == ("9004", "西塘违建〔2026〕12号")
    days = place_period(
        db, load_center(db), ("xitang", "build-02", "house-7"), DAY, date(2026, 2, 18)
    )
    assert [(d.verdict, d.ticket_id, d.flagged) for d in days] == [
        ("changed", ticket.id, False),
        ("camera_down", None, True),
    ]
    frames = {name for (name,) in db.execute("SELECT name FROM evidence_files")}
    assert frames == {
        days[0].frame("after"),
        days[0].frame("before"),
        change.incident.evidence[0].name,
    }
    db.close()
