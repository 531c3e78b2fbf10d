"""Fakes for the pure camera-worker tests: a scripted frame source and a manual clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from edge_agent.errors import SourceError
from edge_agent.frames import Frame
from edge_agent.ingest.source import Interrupt, SourceInterrupted, SourceSpec, SourceStats

#: In a scripted session: a packet that decodes to no frame while ``tick_s`` of clock pass.
TICK = "tick"
#: In a scripted session: a frame decoded but not kept (fps mode) while ``tick_s`` pass.
DECODED = "decoded"


@dataclass
class ManualClock:
    """A monotonic clock that only moves when told."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Session:
    """One connection: an open error, or items (frame pts or TICK) and how the stream ends."""

    open_error: SourceError | None = None
    items: list[float | str] = field(default_factory=list)
    end: SourceError | None = None  # None: the stream just ends


def ok(*pts: float, end: SourceError | None = None) -> Session:
    return Session(items=list(pts), end=end)


def refused() -> Session:
    return Session(open_error=SourceError("connection refused"))


@dataclass
class ScriptedSource:
    """A :class:`~edge_agent.ingest.source.FrameSource` that plays sessions in order.

    Like the PyAV source it polls ``interrupt`` after every item. When the script is over it calls
    ``when_done`` (e.g. the worker's ``request_stop``) and fails every further open.
    """

    spec: SourceSpec
    sessions: list[Session]
    clock: ManualClock
    tick_s: float = 1.0
    when_done: Callable[[], None] = lambda: None
    stats: SourceStats = field(default_factory=SourceStats)
    next_look_pts: float | None = None  # a hint this fake ignores, as a source may
    opens: int = 0
    closes: int = 0
    _current: Session | None = None

    @property
    def epoch(self) -> None:
        return None

    def open(self) -> None:
        self.opens += 1
        if not self.sessions:
            self.when_done()
            raise SourceError("script over")
        self._current = self.sessions.pop(0)
        if self._current.open_error is not None:
            raise self._current.open_error

    def frames(self, interrupt: Interrupt | None = None) -> Iterator[Frame]:
        assert self._current is not None, "frames() before open()"
        for item in self._current.items:
            if item in (TICK, DECODED):
                self.clock.advance(self.tick_s)
                self.stats.decoded += item == DECODED
            else:
                image = np.zeros((4, 6, 3), np.uint8)
                yield Frame(self.spec.camera_id, image, float(item), self.stats.yielded, True)
                self.stats.yielded += 1
            reason = interrupt() if interrupt is not None else None
            if reason:
                raise SourceInterrupted(self.spec.url, reason)
        if self._current.end is not None:
            raise self._current.end

    def close(self) -> None:
        self.closes += 1
