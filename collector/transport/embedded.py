"""An in-process MQTT broker (amqtt, pure Python) for ``collector demo``: 127.0.0.1, anonymous.

It runs on its own thread with its own asyncio loop. It speaks MQTT 3.1.1 only and keeps no
state on disk: for the demo, not for production (use Mosquitto, ``configs/mosquitto/``).
"""

from __future__ import annotations

import asyncio
import logging
import threading

from collector.transport.mosquitto import free_port

__all__ = ["EmbeddedBroker"]


class EmbeddedBroker:
    """``with EmbeddedBroker() as broker: broker.url`` → ``mqtt://127.0.0.1:<free port>``."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="amqtt", daemon=True)
        self._broker = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> EmbeddedBroker:
        from amqtt.broker import Broker

        for name in ("amqtt", "transitions"):
            logging.getLogger(name).setLevel(logging.ERROR)
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{self.port}"}},
            "plugins": {
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}
            },
        }
        self._thread.start()

        async def boot():
            broker = Broker(config, loop=self._loop)
            await broker.start()
            return broker

        self._broker = asyncio.run_coroutine_threadsafe(boot(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        if self._broker is not None:
            fut = asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop)
            try:
                fut.result(timeout=10)
            except Exception:  # noqa: BLE001 - shutting down; nothing left to save
                logging.getLogger(__name__).debug("amqtt shutdown", exc_info=True)
            self._broker = None
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        if not self._loop.is_running():
            self._loop.close()

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
