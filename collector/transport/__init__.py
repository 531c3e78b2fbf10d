"""MQTT transport of the collector: config, ingest service."""

from collector.transport.config import CollectorConfig, load_box_keys, load_config
from collector.transport.service import IngestService, IngestStats, subscriptions

__all__ = [
    "CollectorConfig",
    "IngestService",
    "IngestStats",
    "load_box_keys",
    "load_config",
    "subscriptions",
]
