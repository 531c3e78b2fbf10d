"""The shipped town broker (configs/mosquitto/mosquitto.conf) on real Mosquitto, laid out as on a
Debian server: TLS with the project's certificates, accounts from the project's script, client ids
bound to accounts, and a saved state that survives a kill -9."""

from __future__ import annotations

import json
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from collector.transport.tune import TuneError, send_control, threshold_command
from edge_agent.contract.mqtt import BrokerSettings, MqttClient
from edge_agent.contract.signing import sign
from edge_agent.contract.topics import control_topic, incident_topic
from edge_agent.publish import ControlHandler
from tests.collector.transport.helpers import KEY_B1, SITE, incident, stored_ids, wait_until
from tests.collector.transport.shipped_broker import AS_ROOT, REPO, BrokerSite, autosave_window_s

pytestmark = pytest.mark.integration
TAKEOVER = "already connected, closing old connection"  # Mosquitto's log line for a takeover


@pytest.fixture
def town() -> Iterator[BrokerSite]:
    """A started town broker with the collector's and two boxes' accounts."""
    with BrokerSite("town") as site:
        site.passwords = {
            "collector": site.account("--collector"),
            "b1": site.account(SITE, "b1"),
            "b2": site.account(SITE, "b2"),
            "operator": site.account("--collector", "--user", "operator"),  # collector tune
        }
        site.make_certs()
        site.install("mosquitto.conf", "50-gridwatch.conf")
        site.broker.start()
        yield site


def _client(site: BrokerSite, who: str, client_id: str, tls: bool = True, **kw) -> MqttClient:
    user = "collector" if who == "collector" else f"{SITE}-{who}"
    c = MqttClient(
        BrokerSettings(
            url=site.tls_url if tls else site.url,
            client_id=client_id,
            username=user,
            password=site.passwords[who],
            ca_file=str(site.ca) if tls else None,
            protocol=5,
            **kw,
        )
    )
    c.start()
    wait_until(lambda: c.connected or c.last_error is not None, 10, f"{client_id} connecting")
    assert c.connected, c.last_error
    return c


def _collector(make_collector, site: BrokerSite, db: Path):
    broker = {
        "url": site.url,
        "username": "collector",
        "password": site.passwords["collector"],
        "client_id": "collector",
    }
    svc = make_collector(site.url, broker=broker, db=str(db))
    wait_until(lambda: svc.client.connected, 10, "the collector connected")
    return svc


def _publish_signed(site: BrokerSite, n: int) -> list[str]:
    """b1 publishes ``n`` signed incidents over TLS; returns their event ids once PUBACKed."""
    box = _client(site, "b1", "box-b1", clean=True)
    payloads = [sign(incident(i).to_payload(), KEY_B1, f"{SITE}/b1") for i in range(n)]
    sent = [box.publish(incident_topic(SITE, "b1", "c1"), json.dumps(p).encode()) for p in payloads]
    wait_until(lambda: all(d.done() for d in sent), 10, "PUBACKs")
    box.stop()
    return [p["event_id"] for p in payloads]


def test_incidents_over_tls_to_the_collector_from_the_shipped_config(
    town, make_collector, make_publisher, tmp_path
):
    collector = _collector(make_collector, town, tmp_path / "town.sqlite")
    pub = make_publisher(
        town.tls_url,
        username=f"{SITE}-b1",
        password=town.passwords["b1"],
        tls={"ca_file": str(town.ca)},
    )
    emitted = [incident(i) for i in range(20)]
    for inc in emitted:
        pub.emit(inc)
    wait_until(lambda: collector.stats.stored >= 20, 20, "20 incidents stored")
    assert sorted(stored_ids(collector.cfg.db)) == sorted(e.event_id for e in emitted)
    if AS_ROOT:  # the broker read passwd, acl and server.key as its own user, as on Debian
        status = Path(f"/proc/{town.broker.proc.pid}/status").read_text()
        uid = re.search(r"^Uid:\s+(\d+)", status, re.M).group(1)  # type: ignore[union-attr]
        assert int(uid) == __import__("pwd").getpwnam("mosquitto").pw_uid


def test_broker_files_are_readable_by_the_broker_group_only(town):
    expect = {
        town.etc / "passwd": 0o640,
        town.etc / "acl": 0o640,
        town.etc / "certs" / "server.key": 0o640,
        town.etc / "certs" / "ca.key": 0o600,
        town.etc / "keys" / f"{SITE}-b1.key": 0o600,  # the box's signing key is not the broker's
        town.etc / f"{SITE}-b1.password": 0o600,
    }
    assert {p: stat.S_IMODE(p.stat().st_mode) for p in expect} == expect
    if AS_ROOT:
        gid = __import__("grp").getgrnam("mosquitto").gr_gid
        assert {p: p.stat().st_gid for p in expect if expect[p] == 0o640} == {
            p: gid for p in expect if expect[p] == 0o640
        }


@pytest.mark.parametrize("tls", [True, False], ids=["tls-listener", "loopback-listener"])
def test_a_box_cannot_wipe_the_collectors_queue(town, make_collector, tmp_path, tls):
    """Collector down, 20 incidents queued for it; box b2 connects with the collector's client id
    and a clean start. Without ids bound to accounts that wiped the queue (0 of 20 stored)."""
    db = tmp_path / "town.sqlite"
    _collector(make_collector, town, db).stop()  # its persistent session now waits for it
    ids = _publish_signed(town, 20)
    rogue = _client(town, "b2", "collector", tls=tls, clean=True)
    time.sleep(0.5)
    rogue.stop()
    collector = _collector(make_collector, town, db)
    wait_until(lambda: collector.stats.stored >= 20, 20, "the 20 queued incidents")
    assert sorted(stored_ids(db)) == sorted(ids)
    assert f"as {SITE}-b2 " in town.log_text()  # the broker gave the rogue its own id


def test_one_box_cannot_knock_another_off(town):
    b1 = _client(town, "b1", f"gridwatch-{SITE}-b1")
    got: list[str] = []
    b1.subscribe(control_topic(SITE, "b1"), lambda rec: got.append(rec.payload.decode()))
    for cid in (f"gridwatch-{SITE}-b1", f"{SITE}-b1"):  # b1's configured id, b1's account name
        rogue = _client(town, "b2", cid)
        time.sleep(0.5)
        rogue.stop()
    operator = _client(town, "collector", "operator", tls=False)
    operator.publish(control_topic(SITE, "b1"), b'{"still": "me"}')
    wait_until(lambda: got == ['{"still": "me"}'], 10, "b1's control message")
    operator.stop()
    assert b1.connected and b1.generation == 1  # never knocked off, never reconnected
    assert f"{SITE}-b1 {TAKEOVER}" not in town.log_text()
    assert town.log_text().count(f"as {SITE}-b2 ") == 2  # both rogues ran under b2's own id
    # The check can fail: the same account twice is one MQTT client, the newer one wins.
    twin = _client(town, "b1", "anything")
    wait_until(lambda: f"{SITE}-b1 {TAKEOVER}" in town.log_text(), 10, "b1 taken over by b1")
    twin.stop()
    b1.stop()


def test_a_kill_9_after_the_autosave_window_keeps_the_queue(town, make_collector, tmp_path):
    """Power cut or OOM kill: what the broker held for longer than the window survives."""
    db = tmp_path / "town.sqlite"
    _collector(make_collector, town, db).stop()
    ids = _publish_signed(town, 20)
    time.sleep(autosave_window_s())
    town.broker.stop(signal.SIGKILL)
    town.broker.start()
    collector = _collector(make_collector, town, db)
    wait_until(lambda: collector.stats.stored >= 20, 20, "the 20 incidents queued before the kill")
    assert sorted(stored_ids(db)) == sorted(ids)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["server", "--host", "localhost"], "no usable CA"),
        (["server", "--ip", "1.2.3"], "--ip '1.2.3': not an IP address"),
        (["server", "--host", "bad host"], "--host 'bad host': not a DNS name"),
        (["server"], "give at least one --host or --ip"),
        (["box", "xitang", "b/1"], "BOX 'b/1': letters, digits"),
        (["ca", "--days", "0"], "--days 0: must be 1..36500"),
    ],
)
def test_make_certs_refuses_bad_input_naming_it(tmp_path, args, says):
    script = [sys.executable, str(REPO / "scripts" / "make_certs.py")]
    if args[0] != "server" or says != "no usable CA":
        subprocess.run([*script, "ca", "--dir", str(tmp_path)], check=True, capture_output=True)
    done = subprocess.run([*script, *args, "--dir", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 2 and says in done.stderr, done.stderr
    assert not (tmp_path / "server.pem").exists()


def test_make_certs_keeps_an_existing_ca(tmp_path):
    script = [sys.executable, str(REPO / "scripts" / "make_certs.py"), "ca", "--dir", str(tmp_path)]
    subprocess.run(script, check=True, capture_output=True)
    before = (tmp_path / "ca.key").read_bytes()
    again = subprocess.run(script, capture_output=True, text=True)
    assert again.returncode == 2 and "a CA already exists here" in again.stderr
    assert (tmp_path / "ca.key").read_bytes() == before


def test_a_bridge_account_writes_only_its_towns_topics(tmp_path):
    script = [sys.executable, str(REPO / "scripts" / "make_box_credentials.py")]
    opts = ["--dir", str(tmp_path), "--password", "pw"]
    subprocess.run([*script, "--bridge", "xitang", *opts], check=True, capture_output=True)
    acl = (tmp_path / "acl").read_text()
    assert "user bridge-xitang\ntopic write gridwatch/v1/xitang/#\n" in acl
    clash = subprocess.run([*script, "bridge", "xitang", *opts], capture_output=True, text=True)
    assert clash.returncode == 2 and "already bridge of town xitang's" in clash.stderr


@pytest.fixture
def mutual_town() -> Iterator[tuple[BrokerSite, Path, Path]]:
    """The shipped config with its mutual-TLS line switched on, and a certificate for box b1."""
    with BrokerSite("mtls") as site:
        site.passwords = {"b1": site.account(SITE, "b1")}
        site.make_certs()
        cert, key = site.box_cert(SITE, "b1")
        site.install(
            "mosquitto.conf",
            "50-gridwatch.conf",
            {"# require_certificate true ": "require_certificate true # "},
        )
        site.broker.start()
        yield site, cert, key


def test_mutual_tls_admits_a_box_with_its_certificate_only(mutual_town):
    site, cert, key = mutual_town
    box = _client(
        site,
        "b1",
        "with-cert",
        cert_file=str(cert),
        key_file=str(key),
    )
    box.stop()
    bare = MqttClient(
        BrokerSettings(
            url=site.tls_url,
            client_id="without-cert",
            username=f"{SITE}-b1",
            password=site.passwords["b1"],
            ca_file=str(site.ca),
            protocol=5,
        )
    )
    bare.start()
    refusal = "peer did not return a certificate"  # OpenSSL's words, in Mosquitto's log
    wait_until(lambda: refusal in site.log_text(), 10, "the broker's refusal")
    bare.stop()
    assert bare.generation == 0 and not bare.connected


def test_tune_uses_its_own_account_and_leaves_the_collector_connected(
    town, make_collector, make_publisher, tmp_path
):
    collector = _collector(make_collector, town, tmp_path / "town.sqlite")
    box = make_publisher(
        town.tls_url,
        username=f"{SITE}-b1",
        password=town.passwords["b1"],
        tls={"ca_file": str(town.ca)},
    )
    box.serve_control(ControlHandler(tmp_path / "agent" / "agent-b1.yaml"))
    wait_until(lambda: box.client.connected, 10, "the box connected")
    command = threshold_command("c1", "z1", "warning_count", 25, "alice")
    with pytest.raises(TuneError, match="broker.control_username is not set"):
        send_control(collector.cfg, SITE, "b1", command, 5)  # the collector's account: refused
    broker = collector.cfg.broker.model_copy(
        update={"control_username": "operator", "control_password": town.passwords["operator"]}
    )
    ack = send_control(collector.cfg.model_copy(update={"broker": broker}), SITE, "b1", command, 10)
    assert ack["status"] == "accepted"
    assert collector.client.connected and collector.client.generation == 1
    assert f"collector {TAKEOVER}" not in town.log_text()


def test_a_box_added_later_connects_after_a_reload(town):
    """SIGHUP (systemctl reload) rereads passwd and acl, as user mosquitto when started as root."""
    town.passwords["b3"] = town.account(SITE, "b3")
    town.broker.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: "Reloading config" in town.log_text(), 10, "the reload")
    box = _client(town, "b3", "b3")
    assert box.connected
    box.stop()
