"""Prometheus metrics of the collector, read from its store at each scrape.

Everything the center wants to watch is already in the store (incidents stored, dead letters,
tickets, due times, the feed's cursors), so one collector class serves both the API process
(``collector serve``: ``GET /metrics``) and the ingest process (``collector run`` with
``metrics_port``), and a restart loses no count. Names: docs/DEPLOY.md.
"""

from collector.metrics.route import install_metrics
from collector.metrics.store import StoreMetrics, registry_for

__all__ = ["StoreMetrics", "install_metrics", "registry_for"]
