"""``edge-agent models install FILE``: bring a model onto a box without internet.

The graph's inputs and outputs are checked and its adapter kind read off it before anything is
written; the copy is hashed while written (temp file + rename) and its provenance recorded.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from edge_agent.config.models import ModelKind
from edge_agent.detect.adapters import Thresholds, make_adapter
from edge_agent.detect.session import ModelSpec, open_session
from edge_agent.errors import ModelError, ModelStoreError
from edge_agent.models_store.catalogue import Catalogue, CatalogueEntry
from edge_agent.models_store.files import CHUNK, staged, write_provenance

__all__ = ["Installed", "install_model", "inspect_model"]


@dataclass(frozen=True)
class Installed:
    path: Path
    provenance: Path
    sha256: str
    kind: ModelKind
    input_size: tuple[int, int]
    catalogue_name: str | None  # the catalogue entry with this hash, if any


def inspect_model(
    path: Path, kind: ModelKind = ModelKind.AUTO
) -> tuple[ModelSpec, ModelKind, tuple[int, int]]:
    """The graph's spec, the adapter kind it fits and its network input (width, height)."""
    try:
        spec = open_session(path, ["CPUExecutionProvider"], 1).spec
        adapter = make_adapter(kind, spec, Thresholds(0.5, (0,)))
    except ModelError as err:
        raise ModelStoreError(f"not installed: {err}") from None
    size = getattr(adapter, "size", None)
    return spec, ModelKind(adapter.kind), (int(size[0]), int(size[1])) if size else (0, 0)


def install_model(
    source: Path,
    directory: Path,
    catalogue: Catalogue,
    name: str | None = None,
    kind: ModelKind = ModelKind.AUTO,
) -> Installed:
    """Check ``source``, copy it to ``directory/NAME.onnx`` and write its provenance beside it."""
    spec, found_kind, size = inspect_model(source, kind)
    target = directory / f"{name or source.stem}.onnx"
    digest = _copy(source, target)
    known = next((e for e in catalogue.models if e.sha256 == digest), None)
    record = _record(source, target, digest, spec, found_kind, size) | _catalogue_part(known)
    prov = write_provenance(target, record)
    return Installed(target, prov, digest, found_kind, size, known.name if known else None)


def _copy(source: Path, target: Path) -> str:
    """Copy with hashing; the same file as target is only hashed."""
    digest = hashlib.sha256()
    if target.exists() and target.resolve() == source.resolve():
        with source.open("rb") as f:
            for block in iter(lambda: f.read(CHUNK), b""):
                digest.update(block)
        return digest.hexdigest()
    try:
        with staged(target) as (out, tmp), source.open("rb") as f:
            for block in iter(lambda: f.read(CHUNK), b""):
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
            out.close()
            os.replace(tmp, target)
    except OSError as err:
        raise ModelStoreError(f"{target}: cannot write the model: {err.strerror}") from None
    shutil.copymode(source, target)
    return digest.hexdigest()


def _record(
    source: Path, target: Path, digest: str, spec: ModelSpec, kind: ModelKind, size: tuple
) -> dict[str, object]:
    return {
        "name": target.stem,
        "file": target.name,
        "sha256": digest,
        "bytes": target.stat().st_size,
        "kind": kind.value,
        "input_size": list(size),
        "graph": spec.describe(),
        "installed_from": str(source.resolve()),
        "how": "edge-agent models install",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),  # audit fact, not analytics
    }


def _catalogue_part(entry: CatalogueEntry | None) -> dict[str, object]:
    if entry is None:
        return {"licence": None, "source": "not in the catalogue: the user's own model"}
    return {
        "catalogue": entry.name,
        "licence": entry.licence,
        "licence_url": entry.licence_url,
        "source": entry.source,
        "upstream_url": entry.url,
    }
