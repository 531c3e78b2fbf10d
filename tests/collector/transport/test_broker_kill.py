"""Mosquitto SIGKILLed mid-stream (power cut, OOM kill): receipts and resends lose nothing.

The broker never saved (no autosave in the window): the messages it had PUBACKed and queued for the
stopped collector, and the collector's session itself, are gone after the restart. The agent keeps
each entry until the collector's receipt, so it sends them again; the collector subscribes again
although the broker no longer knows its session.
"""

from __future__ import annotations

import signal

import pytest

from collector.endtoend.brokerkill import KillOptions, run_broker_kill
from tests.collector.transport.helpers import count, incident, wait_until

pytestmark = pytest.mark.integration


def test_broker_sigkilled_mid_stream_loses_nothing(tmp_path, mosquitto, capsys):
    figures = run_broker_kill(mosquitto, tmp_path, KillOptions(before=60, during=60, after=60))
    with capsys.disabled():
        print(f"\nbroker SIGKILL x2, receipts on: {figures.line()}")
    assert figures.emitted == 180
    assert (figures.stored, figures.lost, figures.duplicated) == (180, 0, 0)
    assert figures.resent >= 60  # what the killed broker had taken was sent again


def test_without_receipts_the_same_kill_loses_what_the_broker_held(tmp_path, mosquitto, capsys):
    """The fault reproduced: entries that leave on PUBACK are lost with the broker's memory."""
    opts = KillOptions(before=30, during=30, after=0, receipts=False)
    figures = run_broker_kill(mosquitto, tmp_path, opts)
    with capsys.disabled():
        print(f"\nbroker SIGKILL, receipts off: {figures.line()}")
    assert figures.lost == 30 and figures.resent == 0


def test_collector_subscribes_again_when_the_broker_lost_its_session(
    mosquitto, make_collector, make_publisher
):
    collector = make_collector(mosquitto.url)
    wait_until(lambda: collector.client.connected, 10, "collector connected")
    mosquitto.stop(signal.SIGKILL)  # its session was never saved
    mosquitto.start()
    wait_until(lambda: collector.client.generation >= 2, 20, "the collector reconnected")
    pub = make_publisher(mosquitto.url, receipts={"timeout_s": 1, "max_backoff_s": 2})
    for i in range(5):
        pub.emit(incident(i))
    wait_until(lambda: count(collector.cfg.db, "ingest_incidents") == 5, 30, "stored")
    assert pub.wait_drained(10)
