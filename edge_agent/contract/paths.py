"""Where both sides keep their data by default: ``$GRIDWATCH_STATE_DIR``, else ``var/``.

A developer's checkout keeps today's ``var/`` beside the working folder; a service sets
``GRIDWATCH_STATE_DIR=/var/lib/gridwatch`` in its unit, and every default store, outbox, evidence
and audit file lands there. Paths written in a config file are used as written. Config files of a
deployed box or center live in :data:`CONFIG_DIR`.
"""

from __future__ import annotations

import os
from pathlib import PurePath

__all__ = ["CONFIG_DIR", "STATE_DIR", "STATE_DIR_ENV", "state_dir", "state_path"]

#: Environment variable naming the folder of a service's state.
STATE_DIR_ENV = "GRIDWATCH_STATE_DIR"
#: Standard folders of a deployed edge box or center (the service units use them).
CONFIG_DIR = "/etc/gridwatch"
STATE_DIR = "/var/lib/gridwatch"


def state_dir() -> str:
    """``$GRIDWATCH_STATE_DIR``, else ``var`` (relative: the working folder's ``var/``)."""
    return os.environ.get(STATE_DIR_ENV) or "var"


def state_path(name: str) -> str:
    """A default data path: ``name`` inside :func:`state_dir`.

    Example:
        >>> import os; os.environ.pop(STATE_DIR_ENV, None) and None
        >>> state_path("outbox.sqlite")
        'var/outbox.sqlite'
    """
    return str(PurePath(state_dir()) / name)
