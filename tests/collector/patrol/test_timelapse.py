"""The collector's side of the four-day timelapse of the daily patrol: the real agent replays
real footage (``scripts/make_scenario.py``, car park + a LEVIR roof from the fourth day, the
third day dark) and its incidents and frames go through the real ingest into the center. Each
watched place gets one record a day in its cell; the dark day is flagged; the stop-work
household's change on day four is a 9004 ticket holding its case number, linked from that day."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.grid.store import load_center
from collector.patrol import day_patrol
from collector.tickets import list_tickets
from edge_agent.cli.main import app as agent
from edge_agent.contract.topics import evidence_topic, incident_topic
from tests.collector.builders import center_db
from tests.collector.patrol.places import Message, ingest

DAYS = [date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 2, 19)]
SCENARIO = [
    "--structure", "test_2_0000_0512", "--days", "4", "--down-day", "3", "--steps", "6",
    "--step-s", "2700", "--burst", "3", "--burst-gap-s", "30", "--appear-step", "18",
    "--start", "2026-02-16T07:30:00+08:00",
]  # fmt: skip


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> list[Message]:
    """What the box would publish: each incident, then its evidence files."""
    tmp = tmp_path_factory.mktemp("timelapse")
    video, out, evidence = tmp / "patrol.mkv", tmp / "r.jsonl", tmp / "evidence"
    script = repo_root / "scripts" / "make_scenario.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(video), *SCENARIO],
        check=True,
        capture_output=True,
    )
    args = ["replay", str(video), "--config", str(repo_root / "configs/patrol-timelapse.yaml")]
    args += ["--jsonl", str(out), "--evidence-dir", str(evidence)]
    result = CliRunner().invoke(agent, [*args, "--baseline-dir", str(tmp / "baselines")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    messages: list[Message] = []
    for inc in (x["incident"] for x in lines if x["kind"] == "incident"):
        messages.append(
            (
                incident_topic(inc["site"], inc["box"], inc["camera"]),
                json.dumps(inc, ensure_ascii=False).encode(),
            )
        )
        messages += [
            (
                evidence_topic(inc["site"], inc["box"], inc["camera"], inc["event_id"], e["name"]),
                (evidence / e["name"]).read_bytes(),
            )
            for e in inc["evidence"]
        ]
    return messages


def test_four_days_of_two_watched_places_at_the_center(tmp_path: Path, replayed) -> None:
    db = center_db(str(tmp_path / "c.sqlite"))
    result = ingest(db, replayed, datetime(2026, 2, 20, tzinfo=UTC))
    assert result.dead == 0, result.dead_reasons
    assert db.execute("SELECT COUNT(*) FROM ingest_incidents WHERE filed = 0").fetchone()[0] == 0
    center = load_center(db)
    tickets = {t.zone: t for t in list_tickets(db)}
    assert (tickets["household"].category, tickets["household"].case_number) == (
        "9004",
        "西塘违建〔2026〕12号",
    )
    assert tickets["hotspot"].category == "0101"
    assert {t.source for t in tickets.values()} == {"replay"}  # the recording is marked
    seen = {}
    for day in DAYS:
        [cell] = day_patrol(db, center, day)
        assert cell.cell == "330421101002005"
        seen[day.day] = {p.zone: (p.verdict, p.ticket_id) for p in cell.places}
        assert all(p.replay and (p.frame("after") is None) == p.flagged for p in cell.places)
    household = tickets["household"].id
    assert seen == {
        16: {"hotspot": ("unchanged", None), "household": ("unchanged", None)},
        17: {"hotspot": ("unchanged", None), "household": ("unchanged", None)},
        18: {"hotspot": ("camera_down", None), "household": ("camera_down", None)},
        19: {"hotspot": ("unchanged", None), "household": ("changed", household)},
    }
    stored = db.execute("SELECT COUNT(*) FROM evidence_files").fetchone()[0]
    assert stored == sum(1 for topic, _ in replayed if "/evidence/" in topic) > 0
    db.close()
