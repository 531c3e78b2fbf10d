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
from pathlib import Path
from typing import Any

import yaml

from edge_agent.contract.errors import ConfigError

__all__ = ["read_yaml"]


def read_yaml(path: str | os.PathLike[str]) -> Any:
    """The YAML document in ``path`` (``None`` for an empty file).

    Raises :class:`ConfigError` naming the file when it cannot be read, and the line and column
    when it is not valid YAML.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(str(p), [("", str(p), f"cannot read: {err.strerror}")]) from None
    except UnicodeDecodeError as err:
        raise ConfigError(
            str(p), [("", str(p), f"cannot read: not UTF-8 ({err.reason})")]
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise ConfigError(str(p), [("", where, f"not valid YAML: {err}")]) from None
