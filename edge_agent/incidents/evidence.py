"""Evidence images: written beside the incident, size-capped, referenced by name and hash."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import cv2
import numpy as np

from edge_agent.contract.incident import Evidence
from edge_agent.errors import EdgeAgentError

__all__ = ["EvidenceStore", "encode_capped"]

_ROLES = ("annotated", "before", "after", "mask")


def encode_capped(image: np.ndarray, max_bytes: int, quality: int = 80, png: bool = False) -> bytes:
    """Encode as JPEG (or PNG for masks) no larger than ``max_bytes``.

    Lowers the JPEG quality first, then halves the size, so an evidence image always fits the
    cap instead of being dropped.
    """
    img = image
    while True:
        q = quality
        while True:
            if png:
                ok, buf = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 9])
            else:
                ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
            if not ok:
                raise EdgeAgentError(f"cannot encode evidence image of shape {img.shape}")
            if len(buf) <= max_bytes or png or q <= 30:
                break
            q -= 15
        if len(buf) <= max_bytes:
            return buf.tobytes()
        if min(img.shape[:2]) < 32:
            raise EdgeAgentError(f"evidence image cannot be made smaller than {max_bytes} bytes")
        img = cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2), interpolation=cv2.INTER_AREA)


class EvidenceStore:
    """Writes evidence files into one directory; names are ``<incident>-<seq>-<role>.<ext>``.

    Example:
        >>> import tempfile
        >>> store = EvidenceStore(tempfile.mkdtemp(), max_bytes=50_000)
        >>> ev = store.save("01J0000000000000000000000A", 0, "annotated", np.zeros((48, 64, 3), np.uint8))
        >>> ev.name
        '01J0000000000000000000000A-0-annotated.jpg'
    """

    def __init__(
        self, directory: str | os.PathLike[str], max_bytes: int = 200_000, jpeg_quality: int = 80
    ):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.jpeg_quality = jpeg_quality

    def path(self, name: str) -> Path:
        return self.directory / name

    def save(self, incident_id: str, seq: int, role: str, image: np.ndarray) -> Evidence:
        if role not in _ROLES:
            raise ValueError(f"evidence role must be one of {_ROLES}; got {role!r}")
        png = role == "mask"
        data = encode_capped(image, self.max_bytes, self.jpeg_quality, png=png)
        name = f"{incident_id}-{seq}-{role}.{'png' if png else 'jpg'}"
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, self.directory / name)  # readers never see a half-written file
        return Evidence(
            role=role,
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            bytes=len(data),
            content_type="image/png" if png else "image/jpeg",
        )
