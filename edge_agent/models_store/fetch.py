"""``edge-agent models fetch``: download a catalogue model, check its sha256, write it atomically."""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from edge_agent.errors import ModelStoreError
from edge_agent.models_store.catalogue import CatalogueEntry
from edge_agent.models_store.files import CHUNK, sha256_of, staged, write_provenance

__all__ = ["Fetched", "fetch_model"]

OFFLINE_HINT = (
    "on a box without internet, copy the file over and run 'edge-agent models install FILE'"
)


@dataclass(frozen=True)
class Fetched:
    path: Path
    provenance: Path
    sha256: str
    bytes: int
    url: str
    already_there: bool = False


def fetch_model(
    entry: CatalogueEntry, directory: Path, url: str | None = None, timeout_s: float = 30.0
) -> Fetched:
    """Download ``entry`` into ``directory`` (``url``: a mirror; the hash is checked all the same).

    A file already there with the right hash is kept, not downloaded again. Raises
    :class:`ModelStoreError` naming the URL and what went wrong; nothing is left half-written.
    """
    source = url or entry.url
    target = directory / entry.filename
    if target.is_file() and sha256_of(target) == entry.sha256:
        prov = _provenance(entry, target, source, "already present, hash checked")
        return Fetched(target, prov, entry.sha256, target.stat().st_size, source, True)
    with staged(target) as (f, tmp):
        digest, size = _download(source, f, timeout_s)
        f.close()
        if digest != entry.sha256:
            raise ModelStoreError(
                f"{source}: sha256 {digest} ({size} bytes) is not the catalogue's {entry.sha256} "
                f"({entry.bytes} bytes) for {entry.name}; the download was discarded"
            )
        os.replace(tmp, target)
    prov = _provenance(entry, target, source, "downloaded")
    return Fetched(target, prov, digest, size, source)


def _download(url: str, out, timeout_s: float) -> tuple[str, int]:
    """Stream ``url`` into ``out``; (sha256, bytes). Every failure is one clear error."""
    digest = hashlib.sha256()
    size = 0
    request = urllib.request.Request(url, headers={"User-Agent": "gridwatch-edge-agent"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            expected = response.headers.get("Content-Length")
            for block in iter(lambda: response.read(CHUNK), b""):
                digest.update(block)
                out.write(block)
                size += len(block)
    except urllib.error.HTTPError as err:
        err.close()  # it holds the response's socket
        raise ModelStoreError(f"{url}: the server answered HTTP {err.code} {err.reason}") from None
    except http.client.IncompleteRead as err:
        raise ModelStoreError(
            f"{url}: the download broke off after {size + len(err.partial)} bytes "
            f"(truncated); nothing was written"
        ) from None
    except (TimeoutError, urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise ModelStoreError(f"{url}: cannot download: {reason}; {OFFLINE_HINT}") from None
    if expected is not None and size != int(expected):
        raise ModelStoreError(
            f"{url}: got {size} of {expected} bytes (truncated); nothing was written"
        )
    return digest.hexdigest(), size


def _provenance(entry: CatalogueEntry, target: Path, url: str, how: str) -> Path:
    return write_provenance(
        target,
        {
            "name": entry.name,
            "file": target.name,
            "sha256": entry.sha256,
            "bytes": target.stat().st_size,
            "kind": entry.kind.value,
            "input_size": list(entry.input_size),
            "licence": entry.licence,
            "licence_url": entry.licence_url,
            "source": entry.source,
            "upstream_url": entry.url,
            "fetched_from": url,
            "how": f"edge-agent models fetch: {how}",
            "at": datetime.now(UTC).isoformat(timespec="seconds"),  # audit fact, not analytics
        },
    )
