"""The agent's ``/metrics`` endpoint: prometheus-client's own threaded HTTP server."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server

from edge_agent.errors import GridwatchError

__all__ = ["MetricsServer", "start_metrics_server"]


@dataclass
class MetricsServer:
    """A running endpoint; :meth:`stop` closes its socket."""

    server: WSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_metrics_server(registry: CollectorRegistry, host: str, port: int) -> MetricsServer:
    """Serve ``registry`` on ``http://host:port/metrics`` (port 0: any free port).

    Raises :class:`GridwatchError` naming the address when it cannot listen there.
    """
    try:
        server, thread = start_http_server(port, addr=host, registry=registry)
    except OSError as err:
        raise GridwatchError(f"metrics endpoint: cannot listen on {host}:{port}: {err}") from err
    return MetricsServer(server, thread)
