"""Incident signatures: HMAC-SHA256 over the canonical JSON of the payload without ``signature``.

Canonical JSON: keys sorted, no spaces (``separators=(",", ":")``), UTF-8, non-ASCII kept as is.
The key is per box; ``key_id`` is ``"<site>/<box>"``, so a payload replayed under another box
(or with its site/box edited) fails verification.

Example:
    >>> key = bytes(32)
    >>> signed = sign({"site": "x", "box": "b1", "n": 1}, key, "x/b1")
    >>> verify(signed, {"x/b1": key}) is None
    True
    >>> verify({**signed, "n": 2}, {"x/b1": key})
    'signature does not match'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from edge_agent.contract.errors import ContractError

__all__ = ["ALG", "canonical_json", "key_id_for", "load_key", "sign", "verify"]

ALG = "hmac-sha256"


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    """The bytes that are signed: ``payload`` without ``signature``, sorted keys, no spaces."""
    body = {k: v for k, v in payload.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id_for(site: str, box: str) -> str:
    return f"{site}/{box}"


def load_key(path: str | os.PathLike[str]) -> bytes:
    """Read a key file: hex text (as written by ``scripts/make_box_credentials.sh``) or raw bytes."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as err:
        raise ContractError(f"{p}: cannot read signing key: {err.strerror}") from None
    text = data.strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = data
    if len(key) < 16:
        raise ContractError(f"{p}: signing key shorter than 16 bytes")
    return key


def _mac(payload: Mapping[str, Any], key: bytes) -> str:
    return hmac.new(key, canonical_json(payload), hashlib.sha256).hexdigest()


def sign(payload: Mapping[str, Any], key: bytes, key_id: str) -> dict[str, Any]:
    """A copy of ``payload`` with its ``signature`` object."""
    out = {k: v for k, v in payload.items() if k != "signature"}
    out["signature"] = {"alg": ALG, "key_id": key_id, "value": _mac(out, key)}
    return out


def verify(payload: Mapping[str, Any], keys: Mapping[str, bytes]) -> str | None:
    """``None`` when the payload is signed by the key of its own site/box; else the reason."""
    sig = payload.get("signature")
    if not isinstance(sig, Mapping):
        return "unsigned"
    expected_id = key_id_for(str(payload.get("site")), str(payload.get("box")))
    if sig.get("key_id") != expected_id:
        return f"signed by {sig.get('key_id')!r}, not by the payload's box {expected_id!r}"
    if sig.get("alg") != ALG:
        return f"unsupported signature algorithm {sig.get('alg')!r}"
    key = keys.get(expected_id)
    if key is None:
        return f"no key for {expected_id!r}"
    value = sig.get("value")
    if not isinstance(value, str) or not hmac.compare_digest(value, _mac(payload, key)):
        return "signature does not match"
    return None
