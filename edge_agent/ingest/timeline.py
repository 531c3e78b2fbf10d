"""Stream time of one camera: monotonic pts across reconnects, the epoch, and fps sampling.

Pure logic, no I/O: the only clock is the function a live source injects.

A camera's *stream time* is the clock of all analytics. Each connection to an RTSP camera restarts
its timestamps near zero, and a file that is replayed in a loop starts again at zero, so raw
timestamps go backwards. :class:`Timeline` maps raw timestamps (seconds) to output pts that never
go backwards and keeps ``epoch`` such that ``epoch + pts`` is the wall-clock label of a frame:

- file sources: ``epoch`` is the container's ``creation_time`` if present, else
  :data:`DEFAULT_FILE_EPOCH`; the first pass keeps the file's own timestamps; a loop continues one
  frame step after the last pts. No wall clock is read, so replays are deterministic.
- live sources: ``epoch`` = wall clock when the first frame arrived − that frame's raw pts. A later
  session (after a reconnect) is anchored at ``clock() − epoch``, so stream time advances by the
  real length of the outage and ``epoch + pts`` stays a wall-clock label. A frame without a
  timestamp anchors only provisionally, until the session's first timed frame: an RTSP session's
  first picture often comes without one, and out of the buffer FFmpeg filled while opening
  (``analyzeduration``), so the wall clock read at it is late by that buffer (~1 s here) and
  every label of the camera would be late by as much. The first timed frame may come out of that
  buffer too: each packet read then tells :meth:`Timeline.arrived` when it came, and the epoch
  moves earlier to the least ``arrival - pts`` (by half a frame step a packet, so labels stay in
  order), never later.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

__all__ = [
    "DEFAULT_FILE_EPOCH",
    "RESET_JUMP_S",
    "MIN_STEP_S",
    "Timeline",
    "FpsSampler",
    "PtsGuesser",
    "file_epoch",
]

#: Epoch of a file without ``creation_time`` metadata (replay CLIs may override it).
DEFAULT_FILE_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: A raw timestamp this far behind the last one is a reset of the stream's clock, not jitter.
RESET_JUMP_S = 2.0
#: Smallest step between two output pts.
MIN_STEP_S = 1e-3

WallClock = Callable[[], datetime]
_EPS = 1e-6


def file_epoch(*metadata: Mapping[str, str], default: datetime = DEFAULT_FILE_EPOCH) -> datetime:
    """The first usable ``creation_time`` in the metadata dicts (container, stream), else default.

    Example:
        >>> file_epoch({"creation_time": "2017-09-26T16:57:49.000000Z"}).isoformat()
        '2017-09-26T16:57:49+00:00'
        >>> file_epoch({}, {"creation_time": "garbage"}) == DEFAULT_FILE_EPOCH
        True
    """
    for meta in metadata:
        text = meta.get("creation_time")
        if not text:
            continue
        try:
            when = datetime.fromisoformat(text.strip())
        except ValueError:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if when.year > 1970:  # muxers write 1970-01-01 or 1904-01-01 when they know nothing
            return when
    return default


class Timeline:
    """Maps raw timestamps of successive sessions to output pts that never go backwards.

    Args:
        step_s: nominal frame interval; the gap put between sessions when nothing better is known.
        epoch: fixed epoch (file sources); ``None`` for a live source (its epoch comes from
            ``clock``).
        clock: wall clock (timezone-aware) of a live source; ``None`` for files.

    Example:
        >>> t = Timeline(step_s=0.1, epoch=DEFAULT_FILE_EPOCH)
        >>> t.start_session(); [t.map(x) for x in (0.0, 0.1, 0.2)]
        [0.0, 0.1, 0.2]
        >>> t.start_session(); round(t.map(0.0), 6)  # a loop of the file continues
        0.3
    """

    def __init__(
        self,
        step_s: float = 0.04,
        epoch: datetime | None = None,
        clock: WallClock | None = None,
    ):
        if epoch is None and clock is None:
            raise ValueError("a timeline needs a fixed epoch or a wall clock")
        if epoch is not None and epoch.tzinfo is None:
            raise ValueError(f"epoch must be timezone-aware; got {epoch!r}")
        self.step_s = max(step_s, MIN_STEP_S)
        self._epoch = epoch
        self._clock = clock
        self._offset = 0.0
        self._last: float | None = None
        self._anchor_next = True
        self._provisional = False  # anchored on a frame without a timestamp
        self._epoch_guessed = False  # ... and the epoch too (the first session)

    @property
    def epoch(self) -> datetime | None:
        """Wall-clock label of pts 0; ``None`` for a live source before its first frame."""
        return self._epoch

    @property
    def last_pts(self) -> float | None:
        return self._last

    def arrived(self, pts: float, at: datetime) -> None:
        """A live stream's packet that lands at output ``pts`` was read at wall time ``at``.

        No packet is read before it was sent, so ``at - pts`` bounds the epoch from above: the
        epoch moves earlier to the least such bound, by at most half a frame step a packet (wall
        labels stay in order). The first session's epoch is set when its first picture is
        decoded, and the packets FFmpeg read ahead while opening the stream come out later: that
        first epoch is late by as much, and so was every label after it.

        Example:
            >>> t = Timeline(step_s=0.1, clock=lambda: datetime(2026, 6, 1, 12, 0, 1, tzinfo=UTC))
            >>> t.map(0.0)  # decoded a second after it was sent: the epoch is 12:00:01
            0.0
            >>> for i in range(1, 30):  # packets read as they are sent, 100 ms apart
            ...     t.arrived(i / 10, datetime(2026, 6, 1, 12, 0, tzinfo=UTC) + timedelta(seconds=i / 10))
            >>> t.epoch.time()
            datetime.time(12, 0)
        """
        if self._clock is None or self._epoch is None:
            return
        implied = at - timedelta(seconds=pts)
        if implied < self._epoch:
            self._epoch = max(implied, self._epoch - timedelta(seconds=self.step_s / 2))

    def start_session(self) -> None:
        """The next raw timestamp starts a new session (a reconnect or a new pass of a file)."""
        self._anchor_next = True

    def map(self, raw: float, timed: bool = True) -> float:
        """Output pts of a frame whose raw timestamp is ``raw`` seconds; ``timed``: the stream
        gave it (not guessed one step after the last)."""
        if self._anchor_next:
            self._epoch_guessed = self._epoch is None and not timed
            self._anchor(raw)
            self._anchor_next, self._provisional = False, not timed
        elif self._provisional and timed:
            if self._epoch_guessed:
                self._epoch = None
            self._anchor(raw)
            self._provisional = self._epoch_guessed = False
        elif self._last is not None and raw + self._offset < self._last - RESET_JUMP_S:
            self._anchor(raw)  # the stream's clock was reset within a session
        out = raw + self._offset
        if self._last is not None and out <= self._last:
            out = self._last + MIN_STEP_S  # jitter (e.g. a decoder's dts fallback): clamp
        self._last = out
        return out

    def _anchor(self, raw: float) -> None:
        floor = None if self._last is None else self._last + self.step_s
        if self._clock is None:
            target = raw if floor is None else max(raw, floor)
        elif self._epoch is None:
            self._epoch = self._clock() - timedelta(seconds=raw)
            target = raw
        else:
            target = (self._clock() - self._epoch).total_seconds()
            target = target if floor is None else max(target, floor)
        self._offset = target - raw


class FpsSampler:
    """Chooses one frame per ``1/fps`` seconds of stream time, by pts.

    The grid is anchored at the first pts taken; after a gap the next frame on or after a grid point
    is taken and the grid goes on from there.

    Example:
        >>> s = FpsSampler(2.0)
        >>> [p for p in [i / 10 for i in range(12)] if s.take(p)]
        [0.0, 0.5, 1.0]
    """

    def __init__(self, fps: float):
        if fps <= 0:
            raise ValueError(f"fps must be > 0; got {fps}")
        self.interval = 1.0 / fps
        self._due: float | None = None

    def take(self, pts: float) -> bool:
        """Whether the frame at ``pts`` is the next one to analyse."""
        if self._due is None:
            self._due = pts
        if pts < self._due - _EPS:  # a frame at most 1 µs early still counts as on time
            return False
        skipped = max(0, math.floor((pts - self._due) / self.interval + _EPS))
        self._due += (skipped + 1) * self.interval
        return True


class PtsGuesser:
    """Picks a decoded frame's timestamp from its pts and dts, like FFmpeg's ``guess_correct_pts``.

    FFmpeg computes ``best_effort_timestamp`` this way, but PyAV does not expose it. Containers that
    pack B-frames (MPEG-4 in AVI) give pts out of order; then the dts, in output order, are right. A
    missing pts (the first frame of some RTSP sessions) falls back to the dts without counting as a
    fault. One guesser per session.

    Example:
        >>> g = PtsGuesser()
        >>> [g.guess(p, d) for p, d in [(1, 3), (4, 4), (6, 5), (5, 6), (7, 7)]]
        [1, 4, 6, 6, 7]
    """

    def __init__(self) -> None:
        self.faulty_pts = 0
        self.faulty_dts = 0
        self._last_pts: int | None = None
        self._last_dts: int | None = None

    def guess(self, pts: int | None, dts: int | None) -> int | None:
        if dts is not None:
            self.faulty_dts += self._last_dts is not None and dts <= self._last_dts
            self._last_dts = dts
        if pts is not None:
            self.faulty_pts += self._last_pts is not None and pts <= self._last_pts
            self._last_pts = pts
        if pts is not None and (self.faulty_pts <= self.faulty_dts or dts is None):
            return pts
        return dts
