"""MQTT publishing of the edge agent: durable outbox, ordered sender, status, metrics, control.

paho-mqtt is imported only in :mod:`edge_agent.publish.mqtt`.
"""

from edge_agent.publish.control import ControlHandler, ControlResult, ack_payload
from edge_agent.publish.mqtt import BrokerSettings, MqttClient, Received
from edge_agent.publish.outbox import Outbox, OutboxStats
from edge_agent.publish.publisher import (
    CameraState,
    MqttPublisher,
    broker_settings,
    replay_publisher,
)

__all__ = [
    "BrokerSettings",
    "CameraState",
    "ControlHandler",
    "ControlResult",
    "MqttClient",
    "MqttPublisher",
    "Outbox",
    "OutboxStats",
    "Received",
    "ack_payload",
    "broker_settings",
    "replay_publisher",
]
