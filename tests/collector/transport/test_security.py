"""TLS + username/password against Mosquitto, the generated ACL, refused connections."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from edge_agent.contract.mqtt import BrokerSettings, MqttClient
from edge_agent.contract.signing import sign
from edge_agent.contract.topics import control_topic, incident_topic, receipt_topic
from tests.collector.transport.helpers import KEY_B1, SITE, count, incident, wait_until
from tests.fixtures.mosquitto import free_port

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[3]


def _cert(subject: str, issuer_key, issuer_name, key, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name or x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        san = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture
def pki(tmp_path: Path) -> dict[str, Path]:
    ca_key, srv_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca = _cert("gridwatch test CA", None, None, ca_key, ca=True)
    srv = _cert("localhost", ca_key, ca.subject, srv_key, ca=False)
    out = {
        "ca": tmp_path / "ca.pem",
        "cert": tmp_path / "server.pem",
        "key": tmp_path / "server.key",
    }
    out["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    out["cert"].write_bytes(srv.public_bytes(serialization.Encoding.PEM))
    out["key"].write_bytes(_pem_key(srv_key))
    return out


@pytest.fixture
def secure_broker(tmp_path: Path, pki, mosquitto_factory):
    """Mosquitto with passwords + ACL from the credentials script, and a TLS listener."""
    secrets = tmp_path / "secrets"
    script = REPO / "scripts" / "make_box_credentials.py"
    for args in (
        ["--collector", "--password", "colpw"],
        [SITE, "b1", "--password", "b1pw"],
        [SITE, "b2", "--password", "b2pw"],
    ):
        subprocess.run(
            [sys.executable, str(script), *args, "--dir", str(secrets)],
            check=True,
            capture_output=True,
        )
    tls_port = free_port()
    extra = "\n".join(
        [
            f"password_file {secrets / 'passwd'}",
            f"acl_file {secrets / 'acl'}",
            f"listener {tls_port} 127.0.0.1",
            f"cafile {pki['ca']}",
            f"certfile {pki['cert']}",
            f"keyfile {pki['key']}",
        ]
    )
    broker = mosquitto_factory(extra=extra, anonymous=False)
    broker.tls_url = f"mqtts://127.0.0.1:{tls_port}"
    broker.secrets = secrets
    return broker


def _client(url: str, user: str, password: str, name: str = "", protocol: int = 311) -> MqttClient:
    c = MqttClient(
        BrokerSettings(
            url=url,
            client_id=f"t-{user}{name}",
            username=user,
            password=password,
            clean=True,
            protocol=protocol,
        )
    )
    c.start()
    return c


def test_tls_and_passwords_carry_incidents_exactly_once(
    secure_broker, pki, make_collector, make_publisher
):
    collector = make_collector(
        secure_broker.url,
        broker={
            "url": secure_broker.url,
            "username": "collector",
            "password": "colpw",
            "client_id": "collector-tls",
        },
    )
    wait_until(lambda: collector.client.connected, 10, "collector connected")
    pub = make_publisher(
        secure_broker.tls_url,
        username=f"{SITE}-b1",
        password="b1pw",
        tls={"ca_file": str(pki["ca"])},
    )
    emitted = [incident(i) for i in range(20)]
    for inc in emitted:
        pub.emit(inc)
    wait_until(lambda: collector.stats.stored >= 20, 20, "stored over TLS")
    assert pub.wait_drained(5)
    assert count(collector.cfg.db, "ingest_incidents") == 20


def test_refused_connection_is_never_connected_and_keeps_the_outbox(
    secure_broker, pki, make_publisher
):
    pub = make_publisher(
        secure_broker.tls_url,
        username=f"{SITE}-b1",
        password="wrong",
        tls={"ca_file": str(pki["ca"])},
    )
    pub.emit(incident(0))
    wait_until(lambda: pub.client.last_error is not None, 10, "the refusal")
    assert "refused" in pub.client.last_error
    assert pub.client.connected is False and pub.client.generation == 0
    assert pub.outbox.depth() == 1


def test_acl_box_writes_only_its_prefix_and_reads_only_its_own(secure_broker, make_collector):
    """A box reads its control and receipt topics only; the collector writes both."""
    collector = make_collector(
        secure_broker.url,
        broker={
            "url": secure_broker.url,
            "username": "collector",
            "password": "colpw",
            "client_id": "collector-acl",
        },
    )
    b1 = _client(secure_broker.url, f"{SITE}-b1", "b1pw")
    seen: list[str] = []
    b1.subscribe("gridwatch/v1/#", lambda rec: seen.append(rec.topic))
    # MQTT 5 for the denied publish: Mosquitto 2.0.11 answers it with a v5 reason code that a
    # 3.1.1 client takes as a protocol error (it then reconnects).
    rogue = _client(secure_broker.url, f"{SITE}-b1", "b1pw", name="-rogue", protocol=5)
    operator = _client(secure_broker.url, "collector", "colpw")
    wait_until(
        lambda: (
            b1.connected and operator.connected and rogue.connected and collector.client.connected
        ),
        10,
        "clients connected",
    )
    other = incident(0, box="b2")
    forged = sign(other.to_payload(), KEY_B1, f"{SITE}/b2")  # b1 posing as b2
    own = sign(incident(1).to_payload(), KEY_B1, f"{SITE}/b1")
    denied = rogue.publish(incident_topic(SITE, "b2", "c1"), json.dumps(forged).encode())
    wait_until(denied.done, 10, "the broker's answer to the denied publish")
    sent = [
        b1.publish(incident_topic(SITE, "b1", "c1"), json.dumps(own).encode()),
        operator.publish(control_topic(SITE, "b2"), b'{"x": 1}'),
        operator.publish(control_topic(SITE, "b1"), b'{"x": 2}'),
        operator.publish(receipt_topic(SITE, "b2"), b'{"x": 3}'),
    ]
    wait_until(lambda: all(d.done() for d in sent), 10, "publishes acknowledged")
    wait_until(lambda: collector.stats.received >= 1 and len(seen) >= 1, 10, "deliveries")
    wait_until(lambda: control_topic(SITE, "b1") in seen, 10, "b1's own control")
    wait_until(lambda: receipt_topic(SITE, "b1") in seen, 10, "the collector's receipt to b1")
    for c in (b1, operator, rogue):
        c.stop()
    # nothing of b2, not its own incidents either
    assert sorted(set(seen)) == [control_topic(SITE, "b1"), receipt_topic(SITE, "b1")]
    ids = [r[0] for r in collector_rows(collector.cfg.db)]
    assert ids == [own["event_id"]]
    assert collector.stats.dead == 0  # the b2 message never reached the collector


def collector_rows(db_path):
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    try:
        return list(db.execute("SELECT event_id FROM ingest_incidents"))
    finally:
        db.close()


@pytest.mark.parametrize(
    ("first", "second", "says"),
    [
        (["a-b", "c"], ["a", "b-c"], "already box a-b/c's"),  # both would be user a-b-c
        (["a-b", "c"], ["--collector", "--user", "a-b-c"], "already box a-b/c's"),
        (["--collector", "--user", "x-y"], ["x", "y"], "already collector x-y's"),
        (["a", "b"], ["a", "b\n"], "letters, digits"),  # no newline into the ACL
    ],
)
def test_credentials_never_share_a_broker_user(tmp_path: Path, first, second, says) -> None:
    script = [sys.executable, str(REPO / "scripts" / "make_box_credentials.py")]
    opts = ["--dir", str(tmp_path), "--password", "pw"]
    subprocess.run([*script, *first, *opts], check=True, capture_output=True)
    acl = (tmp_path / "acl").read_text()
    refused = subprocess.run([*script, *second, *opts], capture_output=True, text=True)
    assert refused.returncode == 2 and says in refused.stderr
    assert (tmp_path / "acl").read_text() == acl
