"""Run Mosquitto from the shipped ``configs/mosquitto/`` files, laid out as on a Debian server.

``BrokerSite`` builds, in a fresh folder under /tmp, what an installation has:
a main config like Debian's ``/etc/mosquitto/mosquitto.conf`` (persistence location, log,
``include_dir conf.d``), the shipped snippets in ``conf.d/`` with only their paths and ports
rewritten, and ``/etc/mosquitto/gridwatch`` made by the project's own scripts. Run as root (CI),
Mosquitto drops to its ``mosquitto`` user exactly as the Debian service does, so every file must be
readable by that user. The folder is not under pytest's tmp_path because that is private to root.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from collector.transport.mosquitto import MosquittoBroker, free_port

REPO = Path(__file__).resolve().parents[3]
SHIPPED = REPO / "configs" / "mosquitto"
AS_ROOT = os.geteuid() == 0


def render(text: str, swaps: dict[str, str]) -> str:
    """Replace each key of ``swaps``; a key the file lacks is an error (the config changed shape)."""
    for old, new in swaps.items():
        assert old in text, f"shipped config lacks {old!r}: update the test's rewriting"
        text = text.replace(old, new)
    return text


def autosave_window_s() -> float:
    """Seconds after which the shipped config has saved a change (its autosave_interval, plus
    Mosquitto's whole-second rounding, plus a margin)."""
    text = (SHIPPED / "mosquitto.conf").read_text()
    assert re.search(r"^autosave_on_changes false$", text, re.M), "autosave must be time-based"
    found = re.search(r"^autosave_interval (\d+)$", text, re.M)
    assert found, "the shipped config must set autosave_interval"
    seconds = int(found.group(1))
    assert 1 <= seconds <= 10, f"autosave_interval {seconds}: the window the receipts must cover"
    return seconds + 2.0


class BrokerSite:
    """One broker host: /etc/mosquitto (main config, conf.d, gridwatch/) and its state folder."""

    def __init__(self, name: str):
        self.root = Path(tempfile.mkdtemp(prefix=f"gridwatch-{name}-"))
        os.chmod(self.root, 0o755)  # mosquitto traverses it after dropping privileges
        self.etc = self.root / "gridwatch"  # stands for /etc/mosquitto/gridwatch
        self.confd = self.root / "conf.d"
        self.confd.mkdir()
        self.lib = self._state_dir("lib")  # /var/lib/mosquitto
        self.logs = self._state_dir("log")
        self.port, self.tls_port = free_port(), free_port()
        self.broker = _Shipped(self)
        self.passwords: dict[str, str] = {}  # filled by the tests: who -> password
        self.ca = self.etc / "certs" / "ca.pem"

    def _state_dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir()
        if AS_ROOT:
            user = pwd.getpwnam("mosquitto")
            os.chown(path, user.pw_uid, user.pw_gid)
        return path

    def account(self, *args: str) -> str:
        """make_box_credentials.py ARGS into this site; returns the generated password."""
        out = _script("make_box_credentials.py", *args, "--dir", str(self.etc))
        return out.split("password ", 1)[1].split()[0]

    def make_certs(self, ca_from: BrokerSite | None = None) -> Path:
        """A CA (or ``ca_from``'s) and a server certificate for 127.0.0.1; returns ca.pem."""
        certs = self.etc / "certs"
        if ca_from is None:
            _script("make_certs.py", "ca", "--dir", str(certs), "--name", "gridwatch test CA")
        else:
            certs.mkdir(parents=True)
            for name in ("ca.pem", "ca.key"):
                shutil.copy(ca_from.etc / "certs" / name, certs / name)
        _script("make_certs.py", "server", "--dir", str(certs), "--host", "localhost", "--ip",
                "127.0.0.1")  # fmt: skip
        return certs / "ca.pem"

    def box_cert(self, site: str, box: str) -> tuple[Path, Path]:
        """make_certs.py box: a client certificate from this site's CA; returns (pem, key)."""
        certs = self.etc / "certs"
        _script("make_certs.py", "box", site, box, "--dir", str(certs))
        return certs / "boxes" / f"{site}-{box}.pem", certs / "boxes" / f"{site}-{box}.key"

    def install(self, shipped: str, target: str, swaps: dict[str, str] | None = None) -> Path:
        """Copy configs/mosquitto/SHIPPED to conf.d/TARGET, paths, ports and ``swaps`` rewritten."""
        base = {
            "/etc/mosquitto/gridwatch": str(self.etc),
            "listener 1883 127.0.0.1\n": f"listener {self.port} 127.0.0.1\n",
            "listener 8883\n": f"listener {self.tls_port} 127.0.0.1\n",
        }
        text = (SHIPPED / shipped).read_text()
        chosen = {k: v for k, v in base.items() if k in text} | (swaps or {})
        path = self.confd / target
        path.write_text(render(text, chosen))
        return path

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    @property
    def tls_url(self) -> str:
        return f"mqtts://127.0.0.1:{self.tls_port}"

    def log_text(self) -> str:
        return self.broker.log_text()

    def remove(self) -> None:
        self.broker.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> BrokerSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()  # also when setting the site up failed: nothing is left in /tmp


class _Shipped(MosquittoBroker):
    """MosquittoBroker's start/stop/restart on a Debian-like main config instead of its own."""

    def __init__(self, site: BrokerSite):  # no super().__init__: it would write its own config
        self.workdir = site.root
        self.port = site.port
        self.log = site.logs / "mosquitto.log"
        self.conf = site.root / "mosquitto.conf"
        lines = [
            "user mosquitto" if AS_ROOT else "",  # what Debian's service does (the default user)
            "persistence true",
            f"persistence_location {site.lib}/",
            f"log_dest file {self.log}",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            f"include_dir {site.confd}",
        ]
        self.conf.write_text("\n".join(line for line in lines if line) + "\n")
        self.proc = None


def _script(name: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / name), *args], capture_output=True, text=True
    )
    assert done.returncode == 0, f"scripts/{name} {' '.join(args)}: {done.stderr}"
    return done.stdout
