"""Photos uploaded with a result report: limited in size and type, stored outside the web root
(in the upload folder beside the store), served only to logged-in users by name."""

from __future__ import annotations

import secrets
from pathlib import Path

from starlette.datastructures import UploadFile

from collector.console.web import ConsoleDenied

__all__ = ["MAX_UPLOAD_BYTES", "save_photo", "photo_path"]

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_KINDS = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}
_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}


def _suffix(head: bytes) -> str | None:
    return next((ext for magic, ext in _KINDS.items() if head.startswith(magic)), None)


async def save_photo(upload: UploadFile, folder: Path) -> str:
    """Store a JPEG or PNG of at most :data:`MAX_UPLOAD_BYTES`; returns its new random name."""
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ConsoleDenied(413, "The photo is larger than {mb} MB.", mb=MAX_UPLOAD_BYTES // 2**20)
    suffix = _suffix(data[:8])
    if not data or suffix is None:
        raise ConsoleDenied(415, "The photo must be a JPEG or PNG image.")
    folder.mkdir(parents=True, exist_ok=True)
    name = f"photo-{secrets.token_hex(12)}{suffix}"
    (folder / name).write_bytes(data)
    return name


def photo_path(folder: Path, name: str) -> tuple[Path, str]:
    """The stored file of ``name`` and its media type; 404 unless it is one of ours."""
    root = folder.resolve()
    path = (root / name).resolve()
    ext = path.suffix
    if (
        path.parent != root
        or not name.startswith("photo-")
        or ext not in _TYPES
        or not path.is_file()
    ):
        raise ConsoleDenied(404, "No such photo.")
    return path, _TYPES[ext]
