"""``collector run`` configuration: broker, store, box keys, limits. Unknown keys are refused.

Example YAML::

    broker:
      url: mqtts://broker.example:8883
      username: collector
      password: ${COLLECTOR_MQTT_PASSWORD}
      tls: {ca_file: /etc/gridwatch/ca.pem}
      shared_group: collectors        # optional; two collectors split the load (MQTT v5)
    db: var/collector.sqlite
    box_keys_file: /etc/gridwatch/box-keys.yaml
    scheduler: {every_s: 60}          # escalation on the working calendar, inside `collector run`
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from collector.errors import ConfigError
from collector.scheduler.config import SchedulerConfig
from edge_agent.contract.broker_config import BrokerConnection, TlsConfig
from edge_agent.contract.errors import ContractError, problems_from_validation
from edge_agent.contract.paths import state_path
from edge_agent.contract.signing import load_key
from edge_agent.contract.topics import MAX_EVIDENCE_BYTES, MAX_INCIDENT_BYTES
from edge_agent.contract.yamlfile import read_yaml

__all__ = ["BrokerConfig", "TlsConfig", "CollectorConfig", "load_config", "load_box_keys"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BrokerConfig(BrokerConnection):
    """The shared connection fields (:mod:`edge_agent.contract.broker_config`), plus the
    collector's own: a fixed client id, MQTT 5 and its shared subscription, the session."""

    client_id: str = Field("gridwatch-collector", min_length=1, description="Fixed client id.")
    control_username: str | None = Field(
        None,
        description="Account of `collector tune`. Not the collector's own: a broker that binds "
        "client ids to accounts (configs/mosquitto) would hand tune the running collector's session.",
    )
    control_password: str | None = Field(None, description="Its password; ${ENV_VAR} expanded.")
    protocol: Literal[5, 311] = Field(5, description="MQTT 5 (shared subscriptions) or 311.")
    shared_group: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]{1,64}$", description="$share group (MQTT 5 only)."
    )
    session_expiry_s: int = Field(
        7 * 24 * 3600, ge=0, description="How long the broker keeps our session while we are down."
    )
    receive_maximum: int = Field(1000, ge=1, le=65535, description="Unacked messages in flight.")


class CollectorConfig(_Strict):
    broker: BrokerConfig = Field(default_factory=BrokerConfig, description="MQTT broker.")
    db: str = Field(
        default_factory=lambda: state_path("collector.sqlite"),
        description="SQLite store (default in $GRIDWATCH_STATE_DIR or var/).",
    )
    box_keys_file: str | None = Field(
        None, description="YAML mapping '<site>/<box>' to the box's hex key or key file."
    )
    require_signatures: bool = Field(True, description="Dead-letter unsigned incidents.")
    max_message_bytes: int = Field(
        MAX_INCIDENT_BYTES, ge=1024, description="Larger incident/status messages are dead letters."
    )
    max_evidence_bytes: int = Field(MAX_EVIDENCE_BYTES, ge=1024, description="Evidence cap.")
    dead_letter_raw_bytes: int = Field(4096, ge=0, description="Raw bytes kept per dead letter.")
    batch_max: int = Field(500, ge=1, le=10000, description="Messages per commit.")
    batch_wait_ms: int = Field(20, ge=0, le=5000, description="Wait this long to fill a batch.")
    scheduler: SchedulerConfig = Field(
        default_factory=SchedulerConfig, description="Timed jobs: escalation, device health."
    )


def _expand(value, problems, path=""):
    if isinstance(value, dict):
        return {k: _expand(v, problems, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, str) and "${" in value:
        expanded = os.path.expandvars(value)
        if "${" in expanded:
            problems.append((path, value, "environment variable not set"))
        return expanded
    return value


def load_config(path: str | os.PathLike[str]) -> CollectorConfig:
    """Read and validate; relative file paths are resolved against the config's directory."""
    p = Path(path)
    data = read_yaml(p) or {}
    if not isinstance(data, dict):
        raise ConfigError(str(p), [("", data, "the top level must be a mapping")])
    problems: list[tuple[str, object, str]] = []
    data = _expand(data, problems)
    if problems:
        raise ConfigError(str(p), problems)
    try:
        cfg = CollectorConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(str(p), problems_from_validation(err, data)) from None
    return _resolve_paths(cfg, p.parent)


def _resolve_paths(cfg: CollectorConfig, base: Path) -> CollectorConfig:
    def r(v: str | None) -> str | None:
        return v if v is None or Path(v).is_absolute() or v == ":memory:" else str(base / v)

    update = {"db": r(cfg.db), "box_keys_file": r(cfg.box_keys_file)}
    broker = cfg.broker
    if broker.tls is not None:
        tls = broker.tls.model_copy(
            update={k: r(getattr(broker.tls, k)) for k in ("ca_file", "cert_file", "key_file")}
        )
        broker = broker.model_copy(update={"tls": tls})
    return cfg.model_copy(update=update | {"broker": broker})


def load_box_keys(path: str | os.PathLike[str] | None) -> dict[str, bytes]:
    """``{"<site>/<box>": key}`` from a YAML mapping of hex keys or key-file paths."""
    if path is None:
        return {}
    p = Path(path)
    data = read_yaml(p) or {}
    if not isinstance(data, dict):
        raise ConfigError(str(p), [("", data, "must map '<site>/<box>' to a key")])
    keys: dict[str, bytes] = {}
    for key_id, value in data.items():
        try:
            keys[str(key_id)] = bytes.fromhex(str(value))
            continue
        except ValueError:
            pass
        f = Path(str(value))
        try:
            keys[str(key_id)] = load_key(f if f.is_absolute() else p.parent / f)
        except ContractError as err:
            raise ConfigError(str(p), [(str(key_id), value, str(err))]) from None
    return keys
