"""``collector demo``: broker + collector + an agent replaying the sample, on embedded defaults.

Everything runs in this process on 127.0.0.1: an amqtt broker (unless a broker URL is given), the
collector ingest on a SQLite file (tickets filed with the example center config in
``configs/grid``), and the real edge pipeline replaying a clip into the durable, signed MQTT
publisher. The caller gets each stored incident and each ticket change as they arrive.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import sqlite_utils

from collector.ingest.filing import default_filer
from collector.store import open_store
from collector.tickets.queries import count_tickets, filed_events_after
from collector.transport.config import CollectorConfig
from collector.transport.embedded import EmbeddedBroker
from collector.transport.service import IngestService
from edge_agent.contract.incident import Incident
from edge_agent.publish import MqttPublisher

__all__ = ["DemoOptions", "DemoResult", "default_demo_db", "run_demo"]

#: The example center (grid map, units, routing) the demo files tickets with: ``configs/grid``,
#: shipped as the package data of ``collector.endtoend.center`` (a link in the checkout).
GRID = Path(str(resources.files("collector.endtoend.center").joinpath("cells.geojson")))


def default_demo_db() -> Path:
    """Where the demo keeps its store unless told: ``$XDG_DATA_HOME/gridwatch/demo/`` (or
    ``~/.local/share/gridwatch/demo/``). Each run replaces the previous run's store there."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "gridwatch" / "demo" / "collector.sqlite"


@dataclass
class DemoOptions:
    broker: str | None = None
    video: Path | None = None
    db: Path | None = None
    max_seconds: float | None = None
    fps: float | None = None


@dataclass
class DemoResult:
    db: Path
    frames: int = 0
    emitted: int = 0
    stored: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    tickets: int = 0
    evidence_files: int = 0
    stopped_early: bool = False
    lines: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.emitted - self.stored


class _Counting:
    """The pipeline's sink: counts, then hands over to the publisher."""

    def __init__(self, inner: MqttPublisher):
        self.inner, self.count = inner, 0

    def emit(self, incident: Incident) -> None:
        self.count += 1
        self.inner.emit(incident)


class _TimeUp(Exception):
    pass


def _agent(video: Path | None, url: str, work: Path):
    """The sample's box config (or the whole frame of the given video), with a fresh key."""
    from edge_agent.config.load import parse
    from edge_agent.sample import sample_config, sample_video_path

    (work / "box.key").write_text(secrets.token_hex(32))
    mqtt = {
        "url": url,
        "signing_key_file": str(work / "box.key"),
        "client_id": f"gridwatch-demo-{secrets.token_hex(4)}",
        "outbox": {"path": str(work / "outbox.sqlite")},
    }
    if video is None:
        video = sample_video_path()
        data = sample_config(video, url).model_dump(mode="json", exclude_none=True)
        return video, parse(data | {"mqtt": mqtt, "evidence": {"dir": str(work / "evidence")}})
    return video, parse(
        {
            "box": {"site_id": "replay", "box_id": "local"},
            "mqtt": mqtt,
            "evidence": {"dir": str(work / "evidence")},
            "cameras": [{"id": "replay", "url": str(video)}],
        }
    )


def _collector_config(url: str, db: Path, work: Path, key_id: str, embedded: bool):
    keys = work / "box-keys.yaml"
    keys.write_text(f'"{key_id}": {(work / "box.key").read_text().strip()}\n')
    return CollectorConfig.model_validate(
        {
            "broker": {
                "url": url,
                "protocol": 311 if embedded else 5,
                "client_id": f"gridwatch-demo-collector-{secrets.token_hex(4)}",
            },
            "db": str(db),
            "box_keys_file": str(keys),
            "batch_wait_ms": 5,
        }
    )


def _import_center(db_path: Path) -> None:
    from collector.grid.store import import_center, read_center

    if not GRID.exists():
        return
    db = open_store(db_path)
    try:
        center, _, geojson = read_center(GRID)
        import_center(db, center, geojson, str(GRID.parent))
    finally:
        db.close()


class _Watcher:
    """Reads new incidents and ticket events from the store (its own connection)."""

    def __init__(self, db: Path, say: Callable[[str], None]):
        self.conn = sqlite3.connect(db)
        self.db = sqlite_utils.Database(self.conn)
        self.say = say
        self.incident_row = self.ticket_row = 0

    def poll(self) -> None:
        for rowid, kind, level, state, cam, zone, metrics in self.conn.execute(
            "SELECT rowid, kind, level, state, camera, zone, json_extract(payload, '$.metrics')"
            " FROM ingest_incidents WHERE rowid > ? ORDER BY rowid",
            (self.incident_row,),
        ).fetchall():
            self.incident_row = rowid
            self.say(f"incident  {state:<8} {level:<9} {kind} {cam}/{zone} {metrics}")
        for rowid, ticket, tstate, prio, title in filed_events_after(self.db, self.ticket_row):
            self.ticket_row = rowid
            self.say(f"ticket    #{ticket} {tstate} priority {prio}: {title}")

    def count(self, sql: str) -> int:
        return int(self.conn.execute(sql).fetchone()[0])


def run_demo(opts: DemoOptions, say: Callable[[str], None]) -> DemoResult:
    """Run the whole chain once; returns the counts (``lost`` must be 0).

    The store is ``opts.db`` (kept as it is, incidents are added) or :func:`default_demo_db`
    (replaced); the broker's and the box's scratch files (a signing key, the outbox) live in a
    temporary folder removed on return.
    """
    db = opts.db or _fresh(default_demo_db())
    with tempfile.TemporaryDirectory(prefix="gridwatch-demo-") as scratch:
        return _run(opts, db, Path(scratch), say)


def _fresh(db: Path) -> Path:
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def _today_epoch(video: Path) -> datetime:
    """Label the clip's first frame so that its last one is now: the demo's cases are today's."""
    import av

    with av.open(str(video)) as container:
        length_s = (container.duration or 0) / 1_000_000
    return (datetime.now(UTC) - timedelta(seconds=length_s)).replace(microsecond=0)


def _run(opts: DemoOptions, db: Path, work: Path, say: Callable[[str], None]) -> DemoResult:
    broker = EmbeddedBroker().start() if opts.broker is None else None
    url = broker.url if broker else str(opts.broker)
    result = DemoResult(db=db)
    service = publisher = None
    try:
        video, cfg = _agent(opts.video, url, work)
        say(f"broker {url}{' (in-process amqtt)' if broker else ''}; store {db}; video {video}")
        _import_center(db)
        key_id = f"{cfg.box.site_id}/{cfg.box.box_id}"
        service = IngestService(
            _collector_config(url, db, work, key_id, broker is not None), filer=default_filer()
        )
        service.start()
        publisher = MqttPublisher.from_config(cfg)
        publisher.start()
        publisher.update_camera(cfg.cameras[0].id, "running")
        sink = _Counting(publisher)
        watcher = _Watcher(db, say)
        worker = _replay_thread(opts, (video, cfg), sink, work, result)
        while worker.is_alive():
            watcher.poll()
            worker.join(0.3)
        _settle(publisher, service, sink, watcher)
        _tally(result, sink, service, watcher)
    finally:
        if publisher is not None:
            publisher.stop(drain_timeout_s=2)
        if service is not None:
            service.stop()
        if broker is not None:
            broker.stop()
    return result


def _replay_thread(
    opts: DemoOptions, agent: tuple[Path, Any], sink: _Counting, work: Path, result: DemoResult
) -> threading.Thread:
    """The agent's replay of ``agent`` = (video, config) on a started thread, counting frames
    into ``result`` and stopping at ``opts.max_seconds``."""
    from edge_agent.detect.detector import build_detector
    from edge_agent.replay import ReplayOptions, replay_video

    video, cfg = agent
    deadline = None if opts.max_seconds is None else time.monotonic() + opts.max_seconds

    def on_frame(_frame: object) -> None:
        result.frames += 1
        if deadline is not None and time.monotonic() > deadline:
            raise _TimeUp

    def replay() -> None:
        detector = build_detector(cfg.model, Path.cwd())
        options = ReplayOptions(
            fps=opts.fps,
            epoch=_today_epoch(video),
            evidence_dir=work / "evidence",
            on_frame=on_frame,
        )
        try:
            replay_video(video, None if opts.video else cfg, None, sink, detector, options)
        except _TimeUp:
            result.stopped_early = True

    worker = threading.Thread(target=replay, name="demo-replay", daemon=True)
    worker.start()
    return worker


def _tally(result: DemoResult, sink: _Counting, service: IngestService, watcher: _Watcher) -> None:
    result.emitted, result.stored = sink.count, service.stats.stored
    result.duplicates, result.dead_letters = service.stats.duplicates, service.stats.dead
    result.tickets = count_tickets(watcher.db)
    result.evidence_files = watcher.count("SELECT COUNT(*) FROM evidence_files")
    watcher.conn.close()


def _settle(
    publisher: MqttPublisher,
    service: IngestService,
    sink: _Counting,
    watcher: _Watcher,
    timeout_s: float = 20.0,
) -> None:
    """Wait (bounded) until the outbox is empty, everything is stored and filed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        watcher.poll()
        pending = watcher.count(
            "SELECT COUNT(*) FROM ingest_incidents WHERE filed = 0 AND file_error IS NULL"
        )
        if publisher.outbox.depth() == 0 and service.stats.stored >= sink.count and not pending:
            break
        time.sleep(0.1)
    watcher.poll()
