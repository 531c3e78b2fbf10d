"""Build the project's wheel and install it into a fresh venv, offline (tests only).

The venv gets the built wheel and, for its dependencies, only the distributions that the wheel's
own ``Requires-Dist`` names (and what those require in turn), linked from the test's environment
so no download is needed: a module the runtime imports but the metadata does not declare is then
missing, exactly as after ``pip install gridwatch`` on a clean machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

#: What the wheel is built from (a copy, so the build leaves nothing in the checkout).
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "edge_agent", "collector", "models", "configs"]


def _requirements(dist: metadata.Distribution, extras: frozenset[str]) -> list[Requirement]:
    wanted = []
    for text in dist.requires or []:
        req = Requirement(text)
        envs = [default_environment() | {"extra": e} for e in extras | {""}]
        if req.marker is None or any(req.marker.evaluate(env) for env in envs):
            wanted.append(req)
    return wanted


def _closure(dist: metadata.Distribution) -> dict[str, metadata.Distribution]:
    """The installed distributions ``dist`` needs at run time, transitively (no extras of its own)."""
    found: dict[str, metadata.Distribution] = {}
    todo = [(req, frozenset(req.extras)) for req in _requirements(dist, frozenset())]
    while todo:
        req, extras = todo.pop()
        name = canonicalize_name(req.name)
        if name in found:
            continue
        try:
            found[name] = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{req.name} (required by the wheel) is not installed in the test venv")
        todo.extend((r, frozenset(r.extras)) for r in _requirements(found[name], extras))
    return found


def _link_site(dists: dict[str, metadata.Distribution], into: Path, copy: bool) -> None:
    """Link (or copy) each distribution's top-level files and folders and metadata into ``into``."""
    into.mkdir()
    for dist in dists.values():
        root = Path(str(dist.locate_file("")))
        for top in {Path(f).parts[0] for f in dist.files or [] if not str(f).startswith("..")}:
            source, target = root / top, into / top
            if not source.exists() or target.exists():
                continue
            if not copy:
                target.symlink_to(source)
            elif source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, target)


def readable_by_all(path: Path) -> bool:
    """Whether any user may reach ``path`` (every folder above it can be traversed by others)."""
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents] if p.is_dir())


def build_wheel(work: Path) -> Path:
    """Build the wheel from a copy of the checkout's sources (offline, no build isolation)."""
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(path, src / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    quiet = ["--disable-pip-version-check", "-q", "--no-deps", "--no-build-isolation"]
    run([sys.executable, "-m", "pip", "wheel", *quiet, "-w", work / "dist", src], work)
    (wheel,) = (work / "dist").glob("gridwatch-*.whl")
    return wheel


def install_wheel(wheel: Path, venv: Path, python: str = sys.executable, shared=False) -> Path:
    """A fresh venv of ``python`` with ``wheel`` and its declared dependencies; its ``bin``.

    ``shared``: other users will run it, so dependencies in a folder they cannot reach (a venv
    under ``/root``) are copied rather than linked.
    """
    clean = clean_env(venv.parent / "home")
    run([python, "-m", "venv", "--without-pip", venv], venv.parent, clean)
    quiet = ["--disable-pip-version-check", "-q", "--no-deps", "--no-index"]
    pip = [sys.executable, "-m", "pip", "--python", venv / "bin/python", "install", *quiet]
    run([*pip, wheel], venv.parent, clean)
    where = "import site; print(site.getsitepackages()[0])"
    site = Path(run([venv / "bin/python", "-c", where], venv.parent, clean).strip())
    gridwatch = metadata.Distribution.at(next(site.glob("gridwatch-*.dist-info")))
    deps = venv / "deps"
    here = Path(sysconfig.get_paths()["purelib"])
    _link_site(_closure(gridwatch), deps, copy=shared and not readable_by_all(here))
    (site / "gridwatch-deps.pth").write_text(f"{deps}\n")
    return venv / "bin"


def clean_env(home: Path) -> dict[str, str]:
    """No PYTHONPATH (the checkout must not be importable) and a home of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GRIDWATCH_"))}
    tmp = home / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return env | {
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(cache),  # the generated sample clip is reused, not regenerated
    }


def run(cmd: list, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> str:
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout
