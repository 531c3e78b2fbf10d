"""The box's side of receipts: which sent entries wait for the collector, and when to send again.

An entry with a ``ref`` stays in the outbox after the broker's PUBACK, "sent, awaiting receipt",
until a receipt from the collector names it (``gridwatch/v1/<site>/<box>/receipt``, see
``docs/CONTRACT.md``). One that waits longer than ``timeout_s`` is sent again, and again after a
wait that doubles each time up to ``max_backoff_s`` (but at most ``timeout_s`` after a reconnect:
the broker may have restarted empty); the collector is idempotent on the event id
and receipts a duplicate again, so a resend is harmless and always clears.

Example:
    >>> t = ReceiptTracker(timeout_s=1.0, max_backoff_s=4.0, clock=lambda: 0.0)
    >>> t.acked(7, "01J0000000000000000000000A")
    >>> t.waiting, t.due(10)
    (1, [])
    >>> t.receipted(["01J0000000000000000000000A"]); t.waiting
    0
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from edge_agent.contract import validate_message
from edge_agent.contract.errors import ContractError
from edge_agent.contract.strict import loads

__all__ = ["Receipt", "ReceiptTracker", "parse_receipt"]


@dataclass(frozen=True)
class Receipt:
    """What the collector now holds from this box: ``stored`` refs and ``(ref, reason)`` refused."""

    stored: tuple[str, ...]
    refused: tuple[tuple[str, str], ...] = ()

    @property
    def refs(self) -> list[str]:
        return list(self.stored) + [ref for ref, _ in self.refused]


def parse_receipt(raw: bytes, site: str, box: str) -> Receipt:
    """Read a receipt strictly; :class:`ContractError` if it is not one for this box."""
    payload = loads(raw)
    validate_message("receipt", payload)
    if (payload["site"], payload["box"]) != (site, box):
        raise ContractError(f"receipt for {payload['site']}/{payload['box']}, not {site}/{box}")
    refused = tuple((r["ref"], r["reason"]) for r in payload.get("refused", ()))
    return Receipt(tuple(payload["stored"]), refused)


@dataclass
class _Waiting:
    seq: int
    due: float


class ReceiptTracker:
    """Entries acknowledged by the broker whose receipt has not come yet; thread-safe."""

    def __init__(
        self, timeout_s: float, max_backoff_s: float, clock: Callable[[], float] = time.monotonic
    ):
        self.timeout_s, self.max_backoff_s = float(timeout_s), float(max_backoff_s)
        self._clock = clock
        self._waiting: dict[str, _Waiting] = {}
        self._sends: dict[str, int] = {}  # how often each tracked ref was sent (for the backoff)
        self._earliest = math.inf  # no entry is due before this: most calls skip the scan
        self._lock = threading.Lock()

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def acked(self, seq: int, ref: str) -> None:
        """The broker acknowledged entry ``seq``: wait for its receipt, longer after each send."""
        with self._lock:
            n = self._sends.get(ref, 0) + 1
            self._sends[ref] = n
            wait = min(self.timeout_s * 2 ** min(n - 1, 30), self.max_backoff_s)
            due = self._clock() + wait
            self._waiting[ref] = _Waiting(seq, due)
            self._earliest = min(self._earliest, due)

    def reconnected(self) -> None:
        """A new connection: the broker may have restarted and lost what it held, so nothing
        waits longer than ``timeout_s`` from now, however far its backoff had grown."""
        with self._lock:
            soon = self._clock() + self.timeout_s
            for w in self._waiting.values():
                w.due = min(w.due, soon)
            if self._waiting:
                self._earliest = min(self._earliest, soon)

    def receipted(self, refs: Iterable[str]) -> None:
        with self._lock:
            for ref in refs:
                self._waiting.pop(ref, None)
                self._sends.pop(ref, None)

    def forget(self, refs: Iterable[str]) -> None:
        """Entries gone from the outbox another way (evicted by its cap)."""
        self.receipted(refs)

    def due(self, limit: int) -> list[tuple[int, str]]:
        """Up to ``limit`` ``(seq, ref)`` to send again, oldest entry first; no longer waiting."""
        if limit <= 0:
            return []
        now = self._clock()
        with self._lock:
            if now < self._earliest:
                return []
            late = sorted((w.seq, ref) for ref, w in self._waiting.items() if w.due <= now)
            for _, ref in late[:limit]:
                del self._waiting[ref]
            self._earliest = min((w.due for w in self._waiting.values()), default=math.inf)
        return late[:limit]
