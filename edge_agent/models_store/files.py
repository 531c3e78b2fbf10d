"""Writing a model file so that nothing half-written is ever left: temp file, hash, rename.

The provenance JSON beside a model (``NAME.onnx.provenance.json``) says where it came from, its
sha256 and licence, so a box's models can be audited without the network.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = [
    "PROVENANCE_SUFFIX",
    "config_model_path",
    "provenance_path",
    "sha256_of",
    "staged",
    "write_provenance",
]

PROVENANCE_SUFFIX = ".provenance.json"
CHUNK = 1 << 16


def provenance_path(model: Path) -> Path:
    return model.with_name(model.name + PROVENANCE_SUFFIX)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def staged(target: Path) -> Iterator[tuple[IO[bytes], Path]]:
    """A temp file beside ``target`` (same file system, so the rename is atomic).

    The caller writes and checks it inside the block, then calls ``os.replace(tmp, target)``;
    on any error, or if the caller did not move it, the temp file is removed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f, tmp
    finally:
        tmp.unlink(missing_ok=True)


def write_provenance(model: Path, record: dict[str, Any]) -> Path:
    """Write the provenance JSON beside ``model`` atomically."""
    path = provenance_path(model)
    with staged(path) as (f, tmp):
        f.write((json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode())
        f.flush()
        os.fsync(f.fileno())
        f.close()
        os.replace(tmp, path)
    return path


def config_model_path(model: Path, config: Path) -> str:
    """How a config names ``model``: relative to the config's folder (where the agent resolves a
    relative path that is not a shipped ``models/NAME``), else absolute."""
    model, base = model.resolve(), config.resolve().parent
    return str(model.relative_to(base)) if model.is_relative_to(base) else str(model)
