"""How either side reaches the MQTT broker: URL, TLS, account, keepalive. Unknown keys refused.

One model for both packages: the agent's ``mqtt:`` and the collector's ``broker:`` sections extend
:class:`BrokerConnection` with what only they need (the agent's outbox, the collector's shared
subscription), so a TLS or account option is added, described and validated once.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["BrokerStrict", "TlsConfig", "BrokerConnection", "BROKER_URL_PATTERN"]

BROKER_URL_PATTERN = r"^(mqtt|mqtts)://[^\s/:]+(:\d+)?/?$"


class BrokerStrict(BaseModel):
    """Unknown keys are an error; assignments are validated too (``thresholds set``)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class TlsConfig(BrokerStrict):
    ca_file: str | None = Field(
        None, description="CA certificate (PEM) that signed the broker's cert."
    )
    cert_file: str | None = Field(None, description="Client certificate (PEM) for mutual TLS.")
    key_file: str | None = Field(None, description="Client private key (PEM) for mutual TLS.")
    insecure: bool = Field(False, description="Skip hostname verification (testing only).")


class BrokerConnection(BrokerStrict):
    """The part of a broker section both sides share.

    Example:
        >>> BrokerConnection.model_validate({"url": "mqtts://broker.example:8883"}).keepalive_s
        30
    """

    url: str = Field(
        "mqtt://127.0.0.1:1883",
        pattern=BROKER_URL_PATTERN,
        description="Broker URL; mqtts:// turns TLS on.",
    )
    tls: TlsConfig | None = Field(None, description="TLS settings (also enables TLS).")
    username: str | None = Field(None, description="Broker user name.")
    password: str | None = Field(None, description="Password; ${ENV_VAR} is expanded at load time.")
    keepalive_s: int = Field(30, ge=5, le=3600, description="MQTT keepalive in seconds.")
