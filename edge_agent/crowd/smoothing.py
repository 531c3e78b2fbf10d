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
        self._samples: deque[tuple[float, float]] = deque()

    def add(self, t: float, value: float) -> None:
        if self._samples and t < self._samples[-1][0]:
            raise ValueError(f"stream time went backwards: {t} < {self._samples[-1][0]}")
        self._samples.append((t, value))
        while self._samples and self._samples[0][0] < t - self.window_s:
            self._samples.popleft()

    def __len__(self) -> int:
        return len(self._samples)

    def mean(self) -> float:
        return float(np.mean([v for _, v in self._samples])) if self._samples else 0.0

    def slope(self) -> tuple[float, float] | None:
        """Least-squares ``(slope per second, fitted value at the last t)``; None if degenerate."""
        if len(self._samples) < 2:
            return None
        ts = np.array([t for t, _ in self._samples])
        vs = np.array([v for _, v in self._samples])
        if ts[-1] - ts[0] <= 0:
            return None
        slope, intercept = np.polyfit(ts - ts[-1], vs, 1)
        return float(slope), float(intercept)
