"""Read the center's YAML files and validate them; errors name the file, the key path and the value.

Each YAML file holds one or more top-level keys of :class:`CenterConfig` (``units``,
``categories``, ``routing``, ``calendar``, ``policy``, ``cameras``); a key in two files is an error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from collector.config.models import CenterConfig
from collector.config.references import reference_problems
from collector.errors import ConfigError
from edge_agent.contract.errors import problems_from_validation
from edge_agent.contract.yamlfile import read_yaml

__all__ = ["parse_center", "load_center_files", "CENTER_FILES"]

CENTER_FILES = ("units.yaml", "categories.yaml", "routing.yaml", "calendar.yaml", "policy.yaml")
"""Files looked up in a center directory besides the grid map and ``cameras.yaml``."""


def parse_center(
    data: Any, source: str = "<dict>", origins: dict[str, str] | None = None
) -> CenterConfig:
    """Validate the merged config; ``origins`` maps each top-level key to the file it came from.

    Example:
        >>> cfg = parse_center({
        ...     "units": [{"id": "squad", "name": "Squad", "kind": "squad"}],
        ...     "categories": [{"code": "0101", "name": "illegal construction",
        ...         "default_units": ["squad"], "time_limit": {"days": 3},
        ...         "urgent_limit": {"hours": 4}}],
        ...     "calendar": {"hours": [["08:30", "12:00"]]}})
        >>> cfg.category("0101").time_limit.days
        3.0
    """
    if not isinstance(data, dict):
        raise ConfigError(source, [("", data, "the top level must be a mapping")])
    try:
        cfg = CenterConfig.model_validate(data)
    except ValidationError as err:
        problems = problems_from_validation(err, data)
        raise ConfigError(_files(problems, source, origins), problems) from None
    problems = reference_problems(cfg)
    if problems:
        raise ConfigError(_files(problems, source, origins), problems)
    return cfg


def _files(
    problems: list[tuple[str, object, str]], source: str, origins: dict[str, str] | None
) -> str:
    """The files the problems' top-level keys came from."""
    if not origins:
        return source
    keys = {re.split(r"[.\[]", key, maxsplit=1)[0] for key, _, _ in problems}
    return ", ".join(sorted({origins.get(k, source) for k in keys})) or source


def load_center_files(paths: list[Path]) -> tuple[dict[str, Any], dict[str, str]]:
    """Merge the top-level keys of several YAML files; returns (data, key -> file)."""
    data: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for path in paths:
        content = read_yaml(path)
        if not isinstance(content, dict):
            raise ConfigError(str(path), [("", content, "the top level must be a mapping")])
        for key, value in content.items():
            if key in data:
                raise ConfigError(str(path), [(key, "...", f"already given in {origins[key]}")])
            data[key], origins[key] = value, str(path)
    return data, origins
