"""Files that ship inside the distribution: the default models, found by ``importlib.resources``.

``edge_agent/models`` is a link to the repository's top-level ``models/`` folder, so the same
lookup works in a checkout and in an installed wheel (setuptools copies the linked files into the
wheel as the package data of ``edge_agent.models``). A config names a shipped model as
``models/NAME``; any other relative path is the user's own file, relative to the config's folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from edge_agent.errors import ModelError

__all__ = ["BUNDLED_PREFIX", "bundled_model", "resolve_model_path"]

#: A relative model path starting with this names a file shipped in ``edge_agent.models``.
BUNDLED_PREFIX = "models/"


def bundled_model(name: str) -> Path:
    """Path of a model shipped with the package, e.g. ``bundled_model("change_structural.onnx")``.

    Example:
        >>> bundled_model("change_structural.onnx").is_file()
        True
    """
    return Path(str(resources.files("edge_agent.models").joinpath(name)))


def resolve_model_path(path: str | Path, base_dir: Path) -> Path:
    """An absolute path as is; a relative one under ``base_dir``, else a shipped ``models/NAME``.

    Raises :class:`ModelError` naming every place looked in when none holds the file.
    """
    path = Path(path).expanduser()
    if path.is_absolute():
        tried = [path]
    else:
        tried = [base_dir / path]
        if path.as_posix().startswith(BUNDLED_PREFIX):
            tried.append(bundled_model(path.as_posix().removeprefix(BUNDLED_PREFIX)))
    for candidate in dict.fromkeys(tried):
        if candidate.is_file():
            return candidate
    raise ModelError(
        f"model file not found: {path} (looked in {', '.join(str(t) for t in tried)}); "
        "the default models ship as models/NAME, or build your own (see models/README.md)"
    )
