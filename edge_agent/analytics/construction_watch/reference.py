"""Reference images of a construction-watch zone on disk, one per lighting bucket, and an audit log.

Layout under the baseline directory::

    <camera>/<zone>/<bucket>.png     full-frame BGR reference (temporal median, transients masked)
    <camera>/<zone>/<bucket>.json    meta: sha256, stream pts and time, brightness, frames, size
    audit.jsonl                      one line per change: who, when, action, old/new sha256
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from edge_agent.analytics.construction_watch.background import Lighting
from edge_agent.errors import BaselineError

__all__ = ["Reference", "ReferenceStore"]


@dataclass(frozen=True)
class Reference:
    """One reference image and where it came from.

    Attributes:
        image: BGR ``uint8`` full frame.
        lighting: bucket it serves.
        pts: stream time (s) of the last frame in its median.
        frames: number of frames in the median.
        brightness: mean gray level (0..255).
        sha256: hash of the PNG bytes as stored.
        taken_at: stream time of the last frame in its median (``pts`` alone does not date it:
            a live stream's pts restart with the agent), or None when the source has no epoch.
    """

    image: np.ndarray
    lighting: Lighting
    pts: float
    frames: int
    brightness: float
    sha256: str = ""
    taken_at: datetime | None = None


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class ReferenceStore:
    """References of one camera zone: ``load``, ``save`` (audited) and ``version`` (cheap check).

    Example:
        >>> import tempfile
        >>> store = ReferenceStore(tempfile.mkdtemp(), "cam1", "frame")
        >>> ref = Reference(np.zeros((8, 8, 3), np.uint8), Lighting.DAY, 12.0, 5, 0.0)
        >>> store.save(ref, action="capture", who="test").lighting.value
        'day'
        >>> sorted(store.load_all())
        [<Lighting.DAY: 'day'>]
    """

    def __init__(self, baseline_dir: str | os.PathLike[str], camera_id: str, zone_id: str):
        self.root = Path(baseline_dir)
        self.dir = self.root / camera_id / zone_id
        self.camera_id = camera_id
        self.zone_id = zone_id

    @property
    def audit_path(self) -> Path:
        return self.root / "audit.jsonl"

    def _meta_path(self, lighting: Lighting) -> Path:
        return self.dir / f"{lighting.value}.json"

    def load(self, lighting: Lighting) -> Reference | None:
        """The stored reference of a bucket, or None."""
        meta_path = self._meta_path(lighting)
        if not meta_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            data = (self.dir / f"{lighting.value}.png").read_bytes()
        except (OSError, ValueError) as err:
            raise BaselineError(f"{meta_path}: cannot read reference: {err}") from err
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if image is None or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            raise BaselineError(f"{meta_path}: PNG missing, unreadable or not matching its sha256")
        taken_at = meta.get("taken_at")
        return Reference(
            image,
            lighting,
            float(meta["pts"]),
            int(meta["frames"]),
            float(meta["brightness"]),
            meta["sha256"],
            datetime.fromisoformat(taken_at) if taken_at else None,
        )

    def history(self) -> list[dict[str, object]]:
        """Audit lines of this camera zone, oldest first."""
        if not self.audit_path.is_file():
            return []
        here = (self.camera_id, self.zone_id)
        out = []
        for n, text in enumerate(self.audit_path.read_text("utf-8").splitlines(), 1):
            try:
                line = json.loads(text) if text else None
                if line is not None and (line["camera"], line["zone"]) == here:
                    out.append(line)
            except (ValueError, KeyError, TypeError) as err:
                msg = f"{self.audit_path}: line {n} is not an audit line: {err}"
                raise BaselineError(msg) from None
        return out

    def load_all(self) -> dict[Lighting, Reference]:
        refs = {b: self.load(b) for b in Lighting}
        return {b: r for b, r in refs.items() if r is not None}

    def _stored_sha(self, lighting: Lighting) -> str | None:
        """The sha256 recorded in a bucket's meta (the PNG is not read), or None."""
        path = self._meta_path(lighting)
        if not path.is_file():
            return None
        try:
            return str(json.loads(path.read_text("utf-8"))["sha256"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise BaselineError(f"{path}: cannot read reference meta: {err}") from err

    def version(self) -> tuple[str, ...]:
        """Hashes of the stored buckets; changes whenever a reference is replaced."""
        return tuple(self._stored_sha(b) or "" for b in Lighting)

    def save(
        self, ref: Reference, action: str, who: str | None = None, note: str | None = None
    ) -> Reference:
        """Store ``ref`` for its bucket (replacing any) and append an audit line."""
        ok, buf = cv2.imencode(".png", ref.image)
        if not ok:
            raise BaselineError(f"cannot encode reference of shape {ref.image.shape}")
        data = buf.tobytes()
        sha = hashlib.sha256(data).hexdigest()
        try:  # a damaged reference must stay replaceable: that is how it gets repaired
            old = self._stored_sha(ref.lighting)
        except BaselineError:
            old = "unreadable"
        meta = {
            "lighting": ref.lighting.value,
            "pts": ref.pts,
            "taken_at": ref.taken_at.isoformat() if ref.taken_at else None,
            "frames": ref.frames,
            "brightness": ref.brightness,
            "sha256": sha,
            "width": int(ref.image.shape[1]),
            "height": int(ref.image.shape[0]),
        }
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.dir / f"{ref.lighting.value}.png", data)
            _write_atomic(self._meta_path(ref.lighting), json.dumps(meta, indent=1).encode())
            self.audit(action, ref.lighting, (old, sha), who, note)
        except OSError as err:
            raise BaselineError(f"{self.dir}: cannot store the reference: {err}") from err
        return replace(ref, sha256=sha)

    def audit(
        self,
        action: str,
        lighting: Lighting,
        hashes: tuple[str | None, str | None],
        who: str | None,
        note: str | None = None,
    ) -> None:
        """Append one audit line (wall-clock time: this records an operator's act)."""
        old, new = hashes
        line = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "who": who or _whoami(),
            "action": action,
            "camera": self.camera_id,
            "zone": self.zone_id,
            "lighting": lighting.value,
            "old_sha256": old,
            "new_sha256": new,
            "note": note,
        }
        self.root.mkdir(parents=True, exist_ok=True)
        with self.audit_path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
