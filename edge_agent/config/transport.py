"""How the box's incidents leave it: the broker, the durable outbox, the collector's receipts,
and the Prometheus endpoint."""

from __future__ import annotations

from pydantic import Field

from edge_agent.config.strict import Strict
from edge_agent.contract.broker_config import BrokerConnection
from edge_agent.contract.paths import state_path

__all__ = ["OutboxConfig", "ReceiptConfig", "MqttConfig", "PrometheusConfig"]


class OutboxConfig(Strict):
    path: str = Field(
        default_factory=lambda: state_path("outbox.sqlite"),
        description="SQLite file of the durable outbox (default in $GRIDWATCH_STATE_DIR or var/).",
    )
    max_mb: float = Field(
        512.0, gt=0, description="Disk cap; evidence is dropped before incidents."
    )


class ReceiptConfig(Strict):
    enabled: bool = Field(
        True,
        description="Keep each incident until the collector's receipt (off: until the broker's "
        "PUBACK only, for a collector older than receipts).",
    )
    timeout_s: float = Field(
        30.0, ge=0.1, le=3600, description="Seconds without a receipt before the first resend."
    )
    max_backoff_s: float = Field(
        600.0, ge=0.1, le=86400, description="Cap of the doubling wait between resends."
    )


class MqttConfig(BrokerConnection):
    """The box's broker: the shared connection fields, plus what only the agent needs."""

    client_id: str | None = Field(
        None, description="MQTT client id; default gridwatch-<site>-<box>."
    )
    signing_key_file: str | None = Field(None, description="Box key that signs each incident.")
    outbox: OutboxConfig = Field(default_factory=OutboxConfig, description="Durable outbox.")
    receipts: ReceiptConfig = Field(
        default_factory=ReceiptConfig, description="End-to-end receipts from the collector."
    )
    metrics_interval_s: float = Field(
        30.0, ge=1, le=3600, description="Seconds between metrics messages."
    )


class PrometheusConfig(Strict):
    """The agent's Prometheus endpoint (``/metrics``); off unless a port is given."""

    host: str = Field("127.0.0.1", min_length=1, description="Address to listen on.")
    port: int | None = Field(
        None, ge=0, le=65535, description="TCP port (e.g. 9464); 0: any free port; none: off."
    )
