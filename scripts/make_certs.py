#!/usr/bin/env python3
"""Make a small, offline PKI for the gridwatch broker: a CA, the broker's server certificate and
box client certificates (for mutual TLS).

    scripts/make_certs.py ca     --dir DIR [--name "gridwatch xitang CA"] [--days 3650]
    scripts/make_certs.py server --dir DIR --host broker.xitang.example [--host ...] [--ip 10.0.0.5]
    scripts/make_certs.py box    --dir DIR SITE BOX

Writes into DIR:
  ca.pem, ca.key            the CA (key 0600: keep it on the machine that makes certificates)
  server.pem, server.key    the broker's certificate; key 0640 group GROUP, because Mosquitto
                            drops to its own user before it reads it (--group, default mosquitto
                            when that group exists and this runs as root)
  boxes/SITE-BOX.pem, .key  a box's client certificate, common name SITE-BOX (the box's broker user)
Copy ca.pem, server.pem and server.key to /etc/mosquitto/gridwatch/certs/ on the broker, ca.pem to
every box (mqtt.tls.ca_file). Keys are EC P-256. Needs only the ``cryptography`` package (Debian:
python3-cryptography); nothing goes over the network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import grp
import ipaddress
import os
import re
import sys
from pathlib import Path

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError:  # pragma: no cover - depends on the machine
    sys.exit("make_certs: needs the cryptography package (apt-get install python3-cryptography)")

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9*]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9-]{1,63})*$")


class CertError(Exception):
    """A refused request; the message names the file or the option and its value."""


def _write(path: Path, data: bytes, mode: int, gid: int | None = None) -> None:
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True)
        os.chmod(path.parent, 0o755)  # whatever the umask: the broker must reach its files
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    if gid is not None:
        os.chown(tmp, -1, gid)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "gridwatch"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(subject: x509.Name, key, days: int) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))  # clocks of boxes drift
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )


def _usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def make_ca(directory: Path, name: str, days: int, force: bool = False) -> Path:
    """A self-signed CA in DIR/ca.pem and DIR/ca.key; an existing CA is kept unless ``force``."""
    if (directory / "ca.key").exists() and not force:
        raise CertError(f"{directory / 'ca.key'}: a CA already exists here (--force replaces it)")
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _builder(_name(name), key, days)
        .issuer_name(_name(name))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write(directory / "ca.key", _key_pem(key), 0o600)
    _write(directory / "ca.pem", cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return directory / "ca.pem"


def _load_ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    try:
        cert = x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes())
        key = serialization.load_pem_private_key((directory / "ca.key").read_bytes(), None)
    except (OSError, ValueError) as err:
        raise CertError(
            f"{directory}: no usable CA (ca.pem, ca.key): {err}; run 'ca' first"
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise CertError(f"{directory / 'ca.key'}: not an EC key")
    return cert, key


def _issue(directory: Path, leaf: x509.CertificateBuilder, key, ca_dir: Path) -> x509.Certificate:
    ca, ca_key = _load_ca(ca_dir)
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key())
    return (
        leaf.issuer_name(ca.subject)
        .add_extension(aki, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )


def _san(hosts: list[str], ips: list[str]) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = []
    for host in hosts:
        if not HOST.fullmatch(host):
            raise CertError(f"--host {host!r}: not a DNS name")
        names.append(x509.DNSName(host))
    for ip in ips:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(ip)))
        except ValueError:
            raise CertError(f"--ip {ip!r}: not an IP address") from None
    if not names:
        raise CertError("server: give at least one --host or --ip (what the boxes connect to)")
    return x509.SubjectAlternativeName(names)


def make_server(directory: Path, hosts: list[str], ips: list[str], days: int, gid: int | None):
    """DIR/server.pem and DIR/server.key, signed by the CA in DIR, for ``hosts`` and ``ips``."""
    san = _san(hosts, ips)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        _builder(_name((hosts or ips)[0]), key, days)
        .add_extension(san, critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    )
    cert = _issue(directory, leaf, key, directory)
    _write(directory / "server.key", _key_pem(key), 0o640, gid)
    _write(directory / "server.pem", cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return directory / "server.pem"


def make_box(directory: Path, site: str, box: str, days: int) -> Path:
    """DIR/boxes/SITE-BOX.pem and .key: a client certificate named after the box's broker user."""
    for what, value in (("SITE", site), ("BOX", box)):
        if not ID.fullmatch(value):
            raise CertError(f"{what} {value!r}: letters, digits, _ . - only")
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _builder(_name(f"{site}-{box}"), key, days).add_extension(
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
    )
    cert = _issue(directory, leaf, key, directory)
    out = directory / "boxes" / f"{site}-{box}"
    _write(out.with_suffix(".key"), _key_pem(key), 0o600)
    _write(out.with_suffix(".pem"), cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return out.with_suffix(".pem")


def _broker_gid(name: str | None) -> int | None:
    if name == "" or (name is None and os.geteuid() != 0):
        return None
    try:
        return grp.getgrnam(name or "mosquitto").gr_gid
    except KeyError:
        if name is None:
            return None
        raise CertError(f"--group {name!r}: no such group on this machine") from None


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    ca = sub.add_parser("ca", help="create the CA")
    ca.add_argument("--name", default="gridwatch CA", help="the CA's common name")
    ca.add_argument("--force", action="store_true", help="replace an existing CA")
    server = sub.add_parser("server", help="the broker's certificate")
    server.add_argument("--host", action="append", default=[], help="DNS name (repeatable)")
    server.add_argument("--ip", action="append", default=[], help="IP address (repeatable)")
    server.add_argument("--group", help="group Mosquitto runs as ('' keeps your own)")
    box = sub.add_parser("box", help="a box's client certificate (mutual TLS)")
    box.add_argument("site", help="site id")
    box.add_argument("box", help="box id")
    for p, days in ((ca, 3650), (server, 825), (box, 825)):
        p.add_argument("--dir", required=True, type=Path, help="where the CA and the certs live")
        p.add_argument("--days", type=int, default=days, help=f"validity (default {days})")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if not 1 <= args.days <= 36500:
            raise CertError(f"--days {args.days}: must be 1..36500")
        if args.command == "ca":
            path = make_ca(args.dir, args.name, args.days, args.force)
        elif args.command == "server":
            path = make_server(args.dir, args.host, args.ip, args.days, _broker_gid(args.group))
        else:
            path = make_box(args.dir, args.site, args.box, args.days)
    except CertError as err:
        print(f"make_certs: {err}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
