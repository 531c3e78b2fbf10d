"""Smoothing and trend over a window of stream time."""

from __future__ import annotations

from collections import deque

import numpy as np

__all__ = ["WindowSeries"]


class WindowSeries:
    """Samples ``(t, value)`` kept for ``window_s`` seconds of stream time.

    Example:
        >>> s = WindowSeries(10)
        >>> for t, v in [(0, 1.0), (5, 3.0), (12, 5.0)]:
        ...     s.add(t, v)
        >>> s.mean(), len(s)
        (4.0, 2)
    """

    def __init__(self, window_s: float):
        self.window_s = window_s
        self._t: deque[float] = deque()  # two deques: numpy reads each in one pass
        self._v: deque[float] = deque()

    def add(self, t: float, value: float) -> None:
        if self._t and t < self._t[-1]:
            raise ValueError(f"stream time went backwards: {t} < {self._t[-1]}")
        self._t.append(t)
        self._v.append(value)
        while self._t and self._t[0] < t - self.window_s:
            self._t.popleft()
            self._v.popleft()

    def __len__(self) -> int:
        return len(self._t)

    def _values(self) -> np.ndarray:
        return np.fromiter(self._v, dtype=np.float64, count=len(self._v))

    def mean(self) -> float:
        return float(self._values().mean()) if self._v else 0.0

    def slope(self) -> tuple[float, float] | None:
        """Least-squares ``(slope per second, fitted value at the last t)``; None if degenerate."""
        if len(self._t) < 2 or self._t[-1] - self._t[0] <= 0:
            return None
        ts = np.fromiter(self._t, dtype=np.float64, count=len(self._t)) - self._t[-1]
        vs = self._values()
        dt = ts - ts.mean()
        slope = float(dt @ (vs - vs.mean()) / (dt @ dt))
        return slope, float(vs.mean() - slope * ts.mean())
