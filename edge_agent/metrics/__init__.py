"""Prometheus metrics of the edge agent, served on a small HTTP endpoint (``/metrics``).

:class:`AgentMetrics` owns its registry (never the process-global one, so several agents or tests
in one process do not collide). It is fed at a few points only — the camera health report, the
detector's stage timings, the camera state changes — and reads the rest (frames analysed so far,
frames dropped, the outbox) when scraped. Names follow Prometheus' conventions with the
``gridwatch_`` prefix; see docs/DEPLOY.md for the list.
"""

from edge_agent.metrics.agent import AgentMetrics
from edge_agent.metrics.http import MetricsServer, start_metrics_server

__all__ = ["AgentMetrics", "MetricsServer", "start_metrics_server"]
