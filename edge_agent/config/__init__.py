"""Agent configuration: strict pydantic models, pure parsing, file loading."""

from edge_agent.config.load import load, parse
from edge_agent.config.models import AgentConfig, CameraConfig, CrowdThresholds, ZoneConfig

__all__ = ["AgentConfig", "CameraConfig", "CrowdThresholds", "ZoneConfig", "load", "parse"]
