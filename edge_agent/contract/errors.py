"""Errors shared by both sides of the contract, and the one wording of configuration problems.

Both packages derive their own error trees from :class:`GridwatchError`, so a command line of either
side catches one base and prints a clean message without a traceback::

    GridwatchError
    ├── ContractError          a message or key does not satisfy the MQTT contract
    ├── ConfigError            a YAML file, key path or value is wrong (names all three)
    ├── edge_agent.errors.EdgeAgentError   (the agent's own tree)
    └── collector.errors.CollectorError    (the collector's own tree)
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

__all__ = [
    "GridwatchError",
    "ContractError",
    "ConfigError",
    "describe_problems",
    "problems_from_validation",
]

#: One problem found in a config: ``(key_path, value, reason)``.
Problem = tuple[str, object, str]


class GridwatchError(Exception):
    """Base of every error either package raises on purpose."""


class ContractError(GridwatchError):
    """A message does not satisfy the versioned JSON Schema of the MQTT contract."""


class ConfigError(GridwatchError):
    """A configuration file is invalid.

    Attributes:
        file: the file that was read (or ``"<dict>"`` when parsed from memory).
        problems: one ``(key_path, value, reason)`` tuple per problem.

    Example:
        >>> print(ConfigError("box.yaml", [("mqtt.port", 0, "must be >= 1")]))
        box.yaml: 1 problem(s)
          mqtt.port = 0: must be >= 1
    """

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        super().__init__(describe_problems(file, problems))


def describe_problems(file: str, problems: list[Problem]) -> str:
    """One line naming the file, then one ``key.path = value: reason`` line per problem."""
    lines = [f"{file}: {len(problems)} problem(s)"]
    for key_path, value, reason in problems:
        lines.append(f"  {key_path or '<root>'} = {value!r}: {reason}")
    return "\n".join(lines)


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _value_at(data: Any, loc: tuple[int | str, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return "<missing>"
    return data


def problems_from_validation(
    err: ValidationError, data: Any, prefix: tuple[int | str, ...] = ()
) -> list[Problem]:
    """Turn pydantic's errors into ``(key_path, value, reason)`` triples."""
    problems: list[Problem] = []
    for e in err.errors():
        loc = tuple(e["loc"])
        reason = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            reason = "unknown key"
        problems.append((_key_path(prefix + loc), _value_at(data, loc), reason))
    return problems
