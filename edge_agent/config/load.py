"""Read and validate the agent's YAML config; errors name the file, the key path and the value."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from edge_agent.config.models import AgentConfig
from edge_agent.contract.errors import ConfigError, problems_from_validation
from edge_agent.contract.yamlfile import read_yaml

__all__ = ["parse", "load"]

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _expand_env(value: Any, path: str, problems: list[tuple[str, object, str]]) -> Any:
    """Expand ``${VAR}`` in strings, so secrets stay out of the YAML file."""
    if isinstance(value, dict):
        return {
            k: _expand_env(v, f"{path}.{k}" if path else str(k), problems) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_expand_env(v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in os.environ:
                problems.append((path, value, f"environment variable {m.group(1)} is not set"))
                return ""
            return os.environ[m.group(1)]

        return _ENV_REF.sub(sub, value)
    return value


def parse(data: Any, source: str = "<dict>") -> AgentConfig:
    """Validate a config already read into Python objects.

    Example:
        >>> cfg = parse({"box": {"site_id": "xitang", "box_id": "b1"},
        ...              "cameras": [{"id": "c1", "url": "clip.mp4"}]})
        >>> cfg.model.kind.value  # the adapter is read off the model's graph
        'auto'
    """
    if not isinstance(data, dict):
        raise ConfigError(source, [("", data, "the top level must be a mapping")])
    problems: list[tuple[str, object, str]] = []
    data = _expand_env(data, "", problems)
    if problems:
        raise ConfigError(source, problems)
    try:
        cfg = AgentConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(source, problems_from_validation(err, data)) from None
    _check_merged_thresholds(cfg, source)
    return cfg


def _check_merged_thresholds(cfg: AgentConfig, source: str) -> None:
    """A zone override can break the level order only once merged with the defaults."""
    problems: list[tuple[str, object, str]] = []
    for i, cam in enumerate(cfg.cameras):
        for j, zone in enumerate(cam.zones):
            try:
                cfg.thresholds_for(zone)
            except ValidationError as err:
                overrides = zone.thresholds.model_dump(exclude_none=True)
                for e in err.errors():
                    reason = e["msg"].removeprefix("Value error, ")
                    problems.append((f"cameras[{i}].zones[{j}].thresholds", overrides, reason))
    if problems:
        raise ConfigError(source, problems)


def load(path: str | os.PathLike[str]) -> AgentConfig:
    """Read a YAML file and validate it."""
    return parse(read_yaml(path), source=str(Path(path)))
