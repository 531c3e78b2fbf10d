"""Run a real Mosquitto (Debian package ``mosquitto``) with a generated config on 127.0.0.1.

Used by ``collector bench`` and the transport tests. Persistence is on, so a restart keeps the
collector's session and the messages queued for it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from collector.errors import CollectorError

__all__ = ["MOSQUITTO", "MosquittoBroker", "MosquittoError", "free_port", "wait_port"]


class MosquittoError(CollectorError):
    """Mosquitto is missing or did not start."""


MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout_s} s")


class MosquittoBroker:
    """One mosquitto process with a generated config; ``restart`` keeps the port and persistence."""

    def __init__(
        self, workdir: Path, port: int | None = None, extra: str = "", anonymous: bool = True
    ):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.conf = self.workdir / "mosquitto.conf"
        self.log = self.workdir / "mosquitto.log"
        lines = [
            # Stay root: the workdir (pytest's tmp_path) is private to root. The shipped
            # configs/mosquitto/ is tested dropping to user mosquitto (test_broker_config.py).
            "user root" if os.geteuid() == 0 else "",
            f"listener {self.port} 127.0.0.1",
            f"allow_anonymous {'true' if anonymous else 'false'}",
            "persistence true",
            f"persistence_location {self.workdir}/",
            "max_queued_messages 0",
            "max_inflight_messages 0",
            "set_tcp_nodelay true",
            f"log_dest file {self.log}",
            "log_type error",
            "log_type warning",
            "log_type notice",
            extra,
        ]
        self.conf.write_text("\n".join(line for line in lines if line) + "\n")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> MosquittoBroker:
        try:
            self.proc = subprocess.Popen(
                [MOSQUITTO, "-c", str(self.conf)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as err:
            raise MosquittoError(
                f"cannot run {MOSQUITTO}: {err} (apt-get install mosquitto)"
            ) from None
        try:
            wait_port(self.port)
        except TimeoutError:
            self.stop()
            raise MosquittoError(f"mosquitto did not start: {self.log_text()}") from None
        return self

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """SIGTERM saves the persistence file (queued messages survive a restart)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()
