"""Change one zone threshold in a YAML config, keeping its comments and order, with an audit entry."""

from __future__ import annotations

import getpass
import io
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from edge_agent.config.load import parse
from edge_agent.config.models import AgentConfig, ConstructionSettings, CrowdThresholdOverrides
from edge_agent.contract.yamlfile import read_config_text
from edge_agent.errors import ConfigError

__all__ = ["ThresholdChange", "set_threshold", "threshold_keys", "apply_threshold", "set_model"]

_CONSTRUCTION_PREFIX = "construction."


@dataclass(frozen=True)
class ThresholdChange:
    """What ``set_threshold`` changed; also the audit-log record."""

    file: str
    camera: str
    zone: str
    key: str
    old: Any
    new: Any
    user: str
    at: str  # wall-clock time of the edit (an audit fact, not analytics time)
    origin: str = "cli"


def threshold_keys() -> list[str]:
    """Keys accepted by ``thresholds set``: crowd keys, and ``construction.<key>``."""
    crowd = list(CrowdThresholdOverrides.model_fields)
    return crowd + [_CONSTRUCTION_PREFIX + k for k in ConstructionSettings.model_fields]


def _coerce(value: str | float | int) -> float | int:
    if isinstance(value, int | float):
        return value
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"not a number: {value!r}") from None


def _find(seq: Any, ident: str, what: str, where: str) -> Any:
    for item in seq or []:
        if isinstance(item, dict) and item.get("id") == ident:
            return item
    known = ", ".join(str(i.get("id")) for i in seq or [] if isinstance(i, dict))
    raise ConfigError(where, [(what, ident, f"no such id; known: {known or 'none'}")])


def apply_threshold(
    doc: CommentedMap, camera: str, zone: str, key: str, value: Any, source: str
) -> tuple[Any, Any]:
    """Set the key inside a round-trip YAML document; returns ``(old, new)``. Pure on ``doc``."""
    if key not in threshold_keys():
        raise ConfigError(source, [("key", key, f"unknown threshold; one of {threshold_keys()}")])
    new = _coerce(value)
    cam = _find(doc.get("cameras"), camera, "camera", source)
    z = _find(cam.get("zones"), zone, "zone", source)
    if key.startswith(_CONSTRUCTION_PREFIX):
        section, name = "construction", key.removeprefix(_CONSTRUCTION_PREFIX)
    else:
        section, name = "thresholds", key
    if section not in z or z[section] is None:
        z[section] = CommentedMap()
    old = z[section].get(name)
    z[section][name] = new
    return old, new


def set_threshold(
    config_path: str | os.PathLike[str],
    camera: str,
    zone: str,
    key: str,
    value: str | float | int,
    user: str | None = None,
    origin: str = "cli",
) -> tuple[ThresholdChange, AgentConfig]:
    """Validate and write one threshold, then append the audit entry.

    The whole file is re-validated before it is written, so a bad value never reaches disk.
    The write is atomic (temp file + rename), so a running agent never reads half a file.
    """
    path = Path(config_path)
    rt, doc = _load_round_trip(path)
    try:
        old, new = apply_threshold(doc, camera, zone, key, value, str(path))
    except ValueError as err:
        raise ConfigError(str(path), [(f"{camera}/{zone}/{key}", value, str(err))]) from None
    cfg = _write_validated(path, rt, doc, f"{camera}/{zone}/{key}")
    change = ThresholdChange(
        file=str(path),
        camera=camera,
        zone=zone,
        key=key,
        old=old,
        new=new,
        user=user or getpass.getuser(),
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        origin=origin,
    )
    audit = Path(cfg.audit_log)
    if not audit.is_absolute():
        audit = path.parent / audit
    audit.parent.mkdir(parents=True, exist_ok=True)
    with audit.open("a", encoding="utf-8") as f:
        f.write(json.dumps(asdict(change), ensure_ascii=False) + "\n")
    return change, cfg


def _load_round_trip(path: Path) -> tuple[YAML, CommentedMap]:
    rt = YAML()
    rt.preserve_quotes = True
    return rt, rt.load(read_config_text(path))


def _write_validated(path: Path, rt: YAML, doc: CommentedMap, what: str) -> AgentConfig:
    """Validate the edited document as a whole, then replace the file atomically."""
    buf = io.StringIO()
    rt.dump(doc, buf)
    text = buf.getvalue()
    # the file keeps its ${VAR}s as written: checking the edit needs no secret (unset: kept)
    cfg = parse(yaml.safe_load(text), source=f"{path} (after setting {what})", unset_env=[])
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return cfg


def set_model(config_path: str | os.PathLike[str], model_path: str, kind: str) -> AgentConfig:
    """Point the config's ``model`` at ``model_path`` of ``kind``, keeping comments and order.

    Other ``model`` keys (confidence, threads, providers) are kept; ``input_size`` is dropped,
    since it belonged to the previous model.
    """
    path = Path(config_path)
    rt, doc = _load_round_trip(path)
    if not isinstance(doc, dict):
        raise ConfigError(str(path), [("", str(path), "not a YAML mapping")])
    section = doc.get("model")
    if not isinstance(section, dict):
        section = doc["model"] = CommentedMap()
    section["path"] = model_path
    section["kind"] = kind
    section.pop("input_size", None)
    return _write_validated(path, rt, doc, "model.path")
