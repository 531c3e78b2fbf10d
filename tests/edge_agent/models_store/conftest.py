"""A real HTTP server on 127.0.0.1 serving the shared YOLOX-nano file, whole, cut short or not at all."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

YOLOX = "models/yolox_nano.onnx"


class _Handler(http.server.BaseHTTPRequestHandler):
    """``/whole`` the file; ``/truncated`` half of it under the full Content-Length; ``/other``
    different bytes; anything else 404."""

    body: bytes = b""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path not in ("/whole", "/truncated", "/other"):
            self.send_error(404, "Not Found")
            return
        body = self.body if self.path != "/other" else self.body[::-1]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body if self.path != "/truncated" else body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def model_server(shared_data: Path) -> Iterator[str]:
    """Base URL of the server; it stops with the module."""
    handler = type("Handler", (_Handler,), {"body": (shared_data / YOLOX).read_bytes()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port() -> int:
    """A 127.0.0.1 port nobody listens on (bound, then closed): connection refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
