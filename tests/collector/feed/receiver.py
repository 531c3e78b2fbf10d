"""A tiny real webhook receiver on 127.0.0.1 for the feed tests: fails on demand, dedups by key."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Receiver:
    """What the receiver saw. ``fail_next`` requests are answered 503 without being stored."""

    url: str = ""
    fail_next: int = 0
    ack_lost_next: int = 0
    requests: int = 0
    received: list[dict] = field(default_factory=list)
    applied: dict[tuple[int, int], dict] = field(default_factory=dict)
    duplicates: int = 0
    headers: list[dict] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_batch: Callable[[Receiver], None] | None = None

    def take(self, raw: bytes, headers: dict) -> int:
        """Handle one POST; return the HTTP status to answer."""
        body = json.loads(raw)
        with self.lock:
            self.requests += 1
            self.headers.append(headers)
            self.raw.append(raw)
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503
            for change in body["changes"]:
                key = (change["ticket_id"], change["version"])
                self.received.append(change)
                if key in self.applied:
                    self.duplicates += 1
                else:
                    self.applied[key] = change
            if self.ack_lost_next > 0:  # stored, but the sender never learns it
                self.ack_lost_next -= 1
                return 500
        if self.on_batch is not None:
            self.on_batch(self)
        return 204


def _handler(state: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            length = int(self.headers.get("Content-Length", "0"))
            status = state.take(self.rfile.read(length), dict(self.headers))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    return Handler


@contextmanager
def receiver() -> Iterator[Receiver]:
    """Start a receiver on a free loopback port; stop it on exit."""
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/feed"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
