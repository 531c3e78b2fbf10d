"""Real objects for the console tests: a store with the example center and the staff's accounts,
the app served by uvicorn on 127.0.0.1, and a logged-in browser page per person."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from collector.accounts import create_account
from collector.api.app import ApiSettings
from collector.config.models import Role
from collector.console import create_console_app
from tests.collector.builders import center_db

PASSWORD = "correct-horse-1"
STAFF = [
    ("wang.duty", "王军", Role.DUTY_CHIEF, "xitang-center"),
    ("zhou.dispatch", "周敏", Role.DISPATCHER, "xitang-center"),
    ("xu.tourism", "徐燕", Role.UNIT_HANDLER, "tourism-office"),
    ("zhao.police", "赵强", Role.UNIT_HANDLER, "police-xitang"),
    ("lu.market", "陆芳", Role.UNIT_HANDLER, "market-supervision"),
    ("sun.inspect", "孙磊", Role.INSPECTOR, "xitang-center"),
    ("ye.leader", "叶青", Role.LEADER, None),
    ("admin", "管理员", Role.ADMIN, None),
    ("li.locked", "李华", Role.DUTY_CHIEF, "xitang-center"),
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def make_store(path: Path) -> None:
    """The example center imported and every staff account created."""
    db = center_db(str(path))
    now = datetime.now(UTC)
    for account_id, name, role, unit in STAFF:
        create_account(db, account_id, name, role, unit, PASSWORD, now)
    db.close()


def console_app(db_path: Path, upload_dir: Path) -> FastAPI:
    return create_console_app(ApiSettings(str(db_path), upload_dir=str(upload_dir)))


@dataclass(frozen=True)
class Served:
    url: str
    db_path: Path
    upload_dir: Path


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def csrf_token(html: str) -> str:
    """The CSRF token of a page's form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)
