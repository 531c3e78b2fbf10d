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

__all__ = ["Unset", "parse", "load", "load_for"]

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


#: One unset ``${VAR}``: (key path, the value as written, the variable's name).
Unset = tuple[str, object, str]


def _expand_env(value: Any, path: str, unset: list[Unset]) -> Any:
    """Expand ``${VAR}`` in strings, so secrets stay out of the YAML file.

    An unset variable is recorded in ``unset`` and left as written (``${VAR}``).
    """
    if isinstance(value, dict):
        return {
            k: _expand_env(v, f"{path}.{k}" if path else str(k), unset) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_expand_env(v, f"{path}[{i}]", unset) for i, v in enumerate(value)]
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in os.environ:
                unset.append((path, value, m.group(1)))
                return m.group(0)
            return os.environ[m.group(1)]

        return _ENV_REF.sub(sub, value)
    return value


def parse(data: Any, source: str = "<dict>", unset_env: list[Unset] | None = None) -> AgentConfig:
    """Validate a config already read into Python objects.

    An unset ``${VAR}`` is an error, unless ``unset_env`` is given: then the value keeps the
    literal ``${VAR}`` and the list receives each one (for commands that do not use those values,
    such as ``config check`` and ``zones preview``: only the commands that connect need secrets).

    Example:
        >>> cfg = parse({"box": {"site_id": "xitang", "box_id": "b1"},
        ...              "cameras": [{"id": "c1", "url": "clip.mp4"}]})
        >>> cfg.model.kind.value  # the adapter is read off the model's graph
        'auto'
    """
    if not isinstance(data, dict):
        raise ConfigError(source, [("", data, "the top level must be a mapping")])
    unset: list[Unset] = []
    data = _expand_env(data, "", unset)
    if unset and unset_env is None:
        problems = [(k, v, f"environment variable {var} is not set") for k, v, var in unset]
        raise ConfigError(source, problems)
    if unset_env is not None:
        unset_env.extend(unset)
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


def load(path: str | os.PathLike[str], unset_env: list[Unset] | None = None) -> AgentConfig:
    """Read a YAML file and validate it (``unset_env``: see :func:`parse`)."""
    return parse(read_yaml(path), source=str(Path(path)), unset_env=unset_env)


def load_for(path: str | os.PathLike[str], needs: tuple[str, ...] = ()) -> AgentConfig:
    """Load for a command that uses only some values: an unset ``${VAR}`` is an error only under
    the key paths in ``needs`` (e.g. ``("cameras",)`` for a command that opens the cameras).

    Only the commands that connect need the broker's password; the others leave ``${VAR}`` as
    written in the values they never read.
    """
    unset: list[Unset] = []
    cfg = load(path, unset_env=unset)
    used = [(k, v, var) for k, v, var in unset if k.startswith(needs) and needs]
    if used:
        problems = [(k, v, f"environment variable {var} is not set") for k, v, var in used]
        raise ConfigError(str(path), problems)
    return cfg
