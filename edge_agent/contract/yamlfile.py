"""Read one YAML file, the one way both packages do: errors name the file (and the line).

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "box.yaml"
    >>> _ = path.write_text("box: {site_id: xitang}\\n")
    >>> read_yaml(path)
    {'box': {'site_id': 'xitang'}}
    >>> _ = path.write_text("box: [unclosed\\n")
    >>> read_yaml(path)
    Traceback (most recent call last):
    ...
    edge_agent.contract.errors.ConfigError: ...box.yaml: 1 problem(s)
      <root> = 'line 2, column 1': not valid YAML: ...
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from edge_agent.contract.errors import ConfigError, Problem

__all__ = ["read_config_text", "read_yaml"]


def read_config_text(path: str | os.PathLike[str]) -> str:
    """The file as UTF-8 text; :class:`ConfigError` naming the file, and for bytes that are not
    UTF-8 the keys whose values hold them (or the line), otherwise."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as err:
        raise ConfigError(str(p), [("", str(p), f"cannot read: {err.strerror}")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(str(p), _encoding_problems(raw, err)) from None


def _encoding_problems(raw: bytes, err: UnicodeDecodeError) -> list[Problem]:
    line = raw.count(b"\n", 0, err.start) + 1
    bad = raw[err.start : err.end].hex(" ")
    reason = f"not UTF-8 text (byte(s) {bad} on line {line}); save the file as UTF-8"
    try:  # read with U+FFFD in place of each bad byte, to name the keys that hold them
        data = yaml.safe_load(raw.decode("utf-8", "replace"))
    except yaml.YAMLError:
        data = None
    found = list(_replaced(data, ""))[:5]
    if found:
        return [(key, value, reason) for key, value in found]
    return [(f"line {line}", raw.splitlines()[line - 1].decode("utf-8", "replace"), reason)]


def _replaced(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """``(key path, value)`` of every string holding U+FFFD (where a bad byte was)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _replaced(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _replaced(v, f"{path}[{i}]")
    elif isinstance(value, str) and "\ufffd" in value:
        yield path, value


def read_yaml(path: str | os.PathLike[str]) -> Any:
    """The YAML document in ``path`` (``None`` for an empty file).

    Raises :class:`ConfigError` naming the file when it cannot be read or is not UTF-8 (with the
    key or line of the bad bytes), and the line and column when it is not valid YAML.
    """
    p = Path(path)
    text = read_config_text(p)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise ConfigError(str(p), [("", where, f"not valid YAML: {err}")]) from None
