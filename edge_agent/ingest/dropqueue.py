"""A bounded, thread-safe queue that drops its OLDEST item when full, so consumers see new frames.

Several queues may share one :class:`threading.Condition`, so a consumer of many cameras can wait
for the next frame of any of them (see :class:`~edge_agent.ingest.pool.CameraPool`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Generic, TypeVar

__all__ = ["DropOldestQueue"]

T = TypeVar("T")


class DropOldestQueue(Generic[T]):
    """Bounded FIFO; ``put`` never blocks: when full the oldest item goes, counted in ``dropped``.

    Args:
        maxsize: capacity (≥ 1).
        cond: condition to share with other queues (and their consumer); a new one by default.

    Example:
        >>> q = DropOldestQueue(maxsize=2)
        >>> [q.put(i) for i in range(3)]
        [False, False, True]
        >>> q.get(), q.get(), q.dropped
        (1, 2, 1)
    """

    def __init__(self, maxsize: int = 4, cond: threading.Condition | None = None):
        if maxsize < 1:
            raise ValueError(f"maxsize must be >= 1; got {maxsize}")
        self.maxsize = maxsize
        self.cond = cond or threading.Condition()
        self._items: deque[T] = deque()
        self._closed = False
        self.dropped = 0
        self.put_count = 0

    def __len__(self) -> int:
        with self.cond:
            return len(self._items)

    @property
    def closed(self) -> bool:
        """No more items will come (the producer finished)."""
        return self._closed

    @property
    def exhausted(self) -> bool:
        """Closed and empty: a consumer can forget this queue."""
        with self.cond:
            return self._closed and not self._items

    def put(self, item: T) -> bool:
        """Append ``item``; returns whether the oldest item was dropped to make room."""
        with self.cond:
            dropped = len(self._items) >= self.maxsize
            if dropped:
                self._items.popleft()
                self.dropped += 1
            self._items.append(item)
            self.put_count += 1
            self.cond.notify_all()
            return dropped

    def get_nowait(self) -> T | None:
        """The oldest item, or ``None`` when empty."""
        with self.cond:
            return self._items.popleft() if self._items else None

    def get(self, timeout: float | None = None) -> T | None:
        """The oldest item; waits up to ``timeout`` s (forever if ``None``) unless closed.

        Returns ``None`` on timeout, or when the queue is closed and empty.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.cond:
            while not self._items and not self._closed:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self.cond.wait(remaining)
            return self._items.popleft() if self._items else None

    def close(self) -> None:
        """Tell consumers that nothing more will be put; waiting ``get`` calls return."""
        with self.cond:
            self._closed = True
            self.cond.notify_all()
