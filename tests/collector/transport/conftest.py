"""Fixtures of the transport tests: a collector ingest service and an agent publisher."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from collector.transport.service import IngestService
from edge_agent.publish import MqttPublisher
from tests.collector.transport.helpers import agent_config, collector_config, load_agent


@pytest.fixture
def make_collector(tmp_path: Path) -> Iterator:
    started: list[IngestService] = []

    def make(url: str, **extra) -> IngestService:
        svc = IngestService(collector_config(tmp_path / "collector", url, **extra))
        svc.start()
        started.append(svc)
        return svc

    yield make
    for svc in started:
        svc.stop()


@pytest.fixture
def make_publisher(tmp_path: Path) -> Iterator:
    started: list[MqttPublisher] = []

    def make(url: str, box: str = "b1", **mqtt) -> MqttPublisher:
        path = agent_config(tmp_path / "agent", url, box=box, **mqtt)
        pub = MqttPublisher.from_config(load_agent(path), base_dir=path.parent)
        pub.start()
        started.append(pub)
        return pub

    yield make
    for pub in started:
        pub.stop(drain_timeout_s=0.5)
