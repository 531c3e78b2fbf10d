"""The center's configuration: units, categories, routing, calendar, escalation and scoring."""

from collector.config.load import load_center_files, parse_center
from collector.config.models import CenterConfig

__all__ = ["CenterConfig", "load_center_files", "parse_center"]
