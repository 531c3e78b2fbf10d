"""MQTT publishing of the edge agent: durable outbox, ordered sender, status, metrics, control.

paho-mqtt is imported only in :mod:`edge_agent.contract.mqtt` (shared with the collector).
"""

from edge_agent.publish.control import ControlHandler, ControlResult, ack_payload
from edge_agent.publish.outbox import Outbox, OutboxStats
from edge_agent.publish.publisher import CameraStatus, MqttPublisher, broker_settings
from edge_agent.publish.receipts import Receipt, ReceiptTracker, parse_receipt
from edge_agent.publish.replay_pub import replay_publisher

__all__ = [
    "CameraStatus",
    "ControlHandler",
    "ControlResult",
    "MqttPublisher",
    "Outbox",
    "OutboxStats",
    "Receipt",
    "ReceiptTracker",
    "ack_payload",
    "broker_settings",
    "parse_receipt",
    "replay_publisher",
]
