"""The consoles both command lines print through: no wrapping when output is not a terminal.

Rich lays out for 80 columns when stdout is a pipe or a file, so a table piped into ``grep`` or a
log breaks mid-number. Here a console that is not writing to a terminal (and has no ``COLUMNS``
set) lays out for :data:`PIPE_WIDTH` columns instead; tables stay as wide as their content. It sits
in the contract because both packages' CLIs share it and the collector imports nothing else of
the agent.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleDimensions

__all__ = ["PIPE_WIDTH", "PipeConsole"]

#: Layout width when not a terminal: wide enough that no line of ours is folded.
PIPE_WIDTH = 1000


class PipeConsole(Console):
    """A :class:`rich.console.Console` that folds lines only on a terminal.

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> PipeConsole(file=out).print("x" * 120)
        >>> len(out.getvalue().splitlines()[0])
        120
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("soft_wrap", False)
        super().__init__(**kwargs)

    @property
    def size(self) -> ConsoleDimensions:
        measured = super().size
        if self.is_terminal or self._width is not None or "COLUMNS" in self._environ:
            return measured
        return ConsoleDimensions(PIPE_WIDTH, measured.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        width, height = new_size
        self._width, self._height = width, height
