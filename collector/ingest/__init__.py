"""MQTT ingest of the collector: classify each message, store it idempotently, dead-letter the rest."""

from collector.ingest.filing import default_filer
from collector.ingest.store import BatchResult, store_batch
from collector.ingest.validate import Accepted, Limits, Rejected, classify, lenient_view

__all__ = [
    "Accepted",
    "BatchResult",
    "Limits",
    "Rejected",
    "classify",
    "default_filer",
    "lenient_view",
    "store_batch",
]
