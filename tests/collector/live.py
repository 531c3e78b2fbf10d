"""A live center and a live box for end-to-end tests: the real ingest service on a store with
the example grid, and the real box publisher (signed, outbox, QoS 1), both on a test broker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from collector.ingest.filing import default_filer
from collector.transport.config import CollectorConfig
from collector.transport.service import IngestService
from edge_agent.config import parse
from edge_agent.publish import MqttPublisher
from tests.collector.builders import center_db

BOX = "xitang/box-01"


@contextmanager
def live_center(
    folder: Path, broker_url: str, box_key: bytes, client_id: str
) -> Iterator[IngestService]:
    """The ingest service, filing tickets, trusting ``box_key`` for box-01; store in ``folder``."""
    keys = folder / "box-keys.yaml"
    keys.write_text(yaml.safe_dump({BOX: box_key.hex()}))
    cfg = CollectorConfig.model_validate(
        {
            "broker": {"url": broker_url, "client_id": client_id},
            "db": str(folder / "center.sqlite"),
            "box_keys_file": str(keys),
        }
    )
    center_db(cfg.db).close()
    svc = IngestService(cfg, filer=default_filer())
    svc.start()
    try:
        yield svc
    finally:
        svc.stop()


@contextmanager
def live_box(
    folder: Path, broker_url: str, box_key: bytes, camera: str, evidence: Path | None = None
) -> Iterator[MqttPublisher]:
    """Box-01's publisher signing with ``box_key``; its outbox (and ``evidence``) in ``folder``."""
    (folder / "box-01.key").write_text(box_key.hex())
    raw: dict = {
        "box": {"site_id": "xitang", "box_id": "box-01"},
        "mqtt": {
            "url": broker_url,
            "signing_key_file": str(folder / "box-01.key"),
            "outbox": {"path": str(folder / "outbox.sqlite")},
        },
        "cameras": [{"id": camera, "url": "x.mp4"}],
    }
    if evidence is not None:
        raw["evidence"] = {"dir": str(evidence)}
    pub = MqttPublisher.from_config(parse(raw), base_dir=folder)
    pub.start()
    try:
        yield pub
    finally:
        pub.stop(drain_timeout_s=1)
