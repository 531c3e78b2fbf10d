"""systemd units of a deployed box or center: render the shipped templates and install them.

Both packages' ``service install`` commands use this (the collector imports nothing else of the
agent, and an edge box installs nothing of the collector). A template is a unit file shipped as
package data with ``@NAME@`` placeholders; :class:`Layout` fills them with the paths and user of
one installation.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import subprocess
import sysconfig
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from edge_agent.contract.errors import GridwatchError
from edge_agent.contract.paths import CONFIG_DIR, STATE_DIR

__all__ = ["Layout", "UnitError", "install_units", "render_unit", "unit_field"]

SYSTEM_UNIT_DIR = "/etc/systemd/system"
_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


class UnitError(GridwatchError):
    """A unit cannot be rendered or installed (names the unit, the path or the command)."""


@dataclass(frozen=True)
class Layout:
    """One installation: who runs the services and where they read and write.

    ``extra`` fills a unit's own placeholders (ports).
    """

    user: str = "gridwatch"
    config_dir: str = CONFIG_DIR
    state_dir: str = STATE_DIR
    unit_dir: str = SYSTEM_UNIT_DIR
    bin_dir: str = field(default_factory=lambda: sysconfig.get_path("scripts"))
    extra: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        base = {"USER": self.user, "ETC": self.config_dir, "STATE": self.state_dir}
        return base | {"BIN": self.bin_dir} | {k.upper(): v for k, v in self.extra.items()}


def render_unit(package: str, name: str, layout: Layout) -> str:
    """The unit ``name`` shipped in ``package``, its placeholders filled from ``layout``."""
    try:
        text = resources.files(package).joinpath(name).read_text("utf-8")
    except FileNotFoundError:
        raise UnitError(f"no unit template {name} in {package}") from None
    values = layout.values()
    missing = sorted({m for m in _PLACEHOLDER.findall(text) if m not in values})
    if missing:
        raise UnitError(f"{name}: no value for {', '.join('@' + m + '@' for m in missing)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def unit_field(text: str, key: str) -> list[str]:
    """Every value of ``key=`` in a unit's text (e.g. ``Environment``), in order."""
    prefix = f"{key}="
    return [line[len(prefix) :] for line in text.splitlines() if line.startswith(prefix)]


def install_units(
    units: dict[str, str], layout: Layout, writable_config: bool, create_user: bool = True
) -> list[Path]:
    """Write rendered ``units`` (name -> text); make the user and the folders; daemon-reload.

    ``writable_config``: the service rewrites its own config file (the agent's remote threshold
    changes), so the config folder is group-writable for the service's user. Returns every path
    written or made.
    """
    made: list[Path] = []
    if create_user:
        _ensure_user(layout.user, layout.state_dir)
    uid, gid = _ids(layout.user)
    made += _folder(Path(layout.config_dir), 0o770 if writable_config else 0o750, 0, gid)
    made += _folder(Path(layout.state_dir), 0o750, uid, gid)
    unit_dir = Path(layout.unit_dir)
    unit_dir.mkdir(parents=True, exist_ok=True)
    for name, text in units.items():
        path = unit_dir / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o644)
        made.append(path)
    if unit_dir == Path(SYSTEM_UNIT_DIR) and Path("/run/systemd/system").is_dir():
        _run(["systemctl", "daemon-reload"])
    return made


def _ensure_user(user: str, home: str) -> None:
    try:
        pwd.getpwnam(user)
        return
    except KeyError:
        pass
    if os.geteuid() != 0:
        raise UnitError(f"user {user!r} does not exist; run as root to create it, or --user NAME")
    shell = shutil.which("nologin") or "/usr/sbin/nologin"
    _run(["useradd", "--system", "--user-group", "--home-dir", home, "--shell", shell, user])


def _ids(user: str) -> tuple[int, int]:
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        raise UnitError(f"user {user!r} does not exist") from None
    return entry.pw_uid, grp.getgrgid(entry.pw_gid).gr_gid


def _folder(path: Path, mode: int, uid: int, gid: int) -> list[Path]:
    """Make ``path`` (owned by uid:gid with ``mode``) unless it exists: an existing folder keeps
    its owner and mode, which are the administrator's."""
    if path.exists():
        return []
    path.mkdir(parents=True)
    path.chmod(mode)
    if os.geteuid() == 0:
        os.chown(path, uid, gid)
    return [path]


def _run(cmd: list[str]) -> None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except OSError as err:
        raise UnitError(f"cannot run {cmd[0]}: {err}") from err
    if done.returncode != 0:
        raise UnitError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
