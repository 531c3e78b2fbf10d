"""Frame sources on PyAV: video files for replay and ``rtsp://`` cameras, decoded to frames whose
picture is converted to BGR when first asked for (:mod:`~edge_agent.ingest.picture`).

A :class:`FrameSource` is opened, iterated and closed; a live source is opened again after a failure
(the camera worker does that) and keeps one monotonic stream time across its sessions
(:class:`~edge_agent.ingest.timeline.Timeline`).

Decode modes:

- ``keyframes``: the decoder skips every non-key frame (``skip_frame = "NONKEY"``), so a camera
  costs a fraction of a full decode; one frame per GOP comes out. Once the demuxer has flagged a
  key packet, the other packets are not handed to the decoder at all (nine Python-level decode
  calls a second per camera saved), and each keyframe is drained out of the decoder at once: a
  stream with B-frames otherwise holds the picture back in its reorder buffer until the next
  decoded picture, the next keyframe, a whole GOP (1 s on the shared clips) of latency.
  A consumer that needs no picture before a stream time says so in :attr:`AvSource.next_look_pts`
  (a quiet camera, see :mod:`~edge_agent.analytics.cadence`): key packets before it are counted
  (``SourceStats.undecoded``) and not decoded at all; a keyframe's decode is about 60% of what
  a camera costs the reader (3.4 of 5.8 milli-cores on the shared clip over RTSP).
- ``fps``: every frame is decoded and one per ``1/fps`` seconds of stream time is yielded, chosen
  by pts.

Example:
    >>> src = AvSource(SourceSpec("cam1", "../shared/data/video/one-by-one-person.mp4"))
    >>> with src:  # doctest: +SKIP
    ...     for frame in src.frames():
    ...         print(frame.pts, frame.image.shape)
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import av

from edge_agent.config.models import CameraConfig, DecodeMode
from edge_agent.errors import SourceError
from edge_agent.frames import Frame
from edge_agent.ingest.picture import DecodedPicture
from edge_agent.ingest.timeline import FpsSampler, PtsGuesser, Timeline, WallClock, file_epoch

__all__ = [
    "SourceSpec",
    "SourceStats",
    "FrameSource",
    "AvSource",
    "StreamStalled",
    "SourceInterrupted",
    "open_source",
    "is_live_url",
    "redact_url",
]

log = logging.getLogger(__name__)

#: Polled after each packet; returns a reason to abandon the stream, or ``None`` to go on.
Interrupt = Callable[[], str | None]

_LIVE_SCHEMES = ("rtsp://", "rtsps://", "rtmp://", "http://", "https://", "udp://", "tcp://")
# Errors FFmpeg reports when a read waited too long: PyAV's interrupt callback (AVERROR_EXIT) or the
# RTSP socket timeout option (ETIMEDOUT).
_TIMEOUT_ERRORS: tuple[type[BaseException], ...] = (av.ExitError, TimeoutError)
_DEFAULT_STEP_S = 0.04
#: How much of an RTSP stream FFmpeg reads to learn its parameters while opening (default 5 s; the
#: SDP already carries H.264/H.265 parameter sets): 1 s cuts an open, and so a reconnect, from ~2.8 s
#: to ~1 s on the test server.
RTSP_ANALYZE_S = 1.0


class StreamStalled(SourceError):
    """No data arrived within the read timeout."""


class SourceInterrupted(SourceError):
    """The caller's interrupt (stop, stall watchdog) asked the source to give up the stream.

    Attributes:
        reason: what the interrupt function returned.
    """

    def __init__(self, url: str, reason: str):
        self.reason = reason
        super().__init__(f"{url}: interrupted: {reason}")


def is_live_url(url: str) -> bool:
    """Whether ``url`` names a network stream rather than a file.

    Example:
        >>> is_live_url("rtsp://10.0.0.5/stream1"), is_live_url("clips/a.mp4")
        (True, False)
    """
    return url.lower().startswith(_LIVE_SCHEMES)


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, for messages and logs.

    Example:
        >>> redact_url("rtsp://admin:s3cret@10.0.0.5:554/ch1")
        'rtsp://admin:***@10.0.0.5:554/ch1'
    """
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]+):[^@/]*@", r"\1:***@", url)


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What to open and how to decode it.

    Attributes:
        camera_id: stamped on every frame.
        url: ``rtsp://…`` (or another network URL) or a path to any container PyAV reads.
        mode: ``keyframes`` or ``fps``.
        fps: analysed frames per second of stream time (``fps`` mode only).
        open_timeout_s: give up opening after this long.
        read_timeout_s: give up a read that waits longer than this for data.
        threads: decoder threads; 0 lets FFmpeg choose.
        epoch: wall-clock label of pts 0 for a file (overrides its ``creation_time``).
    """

    camera_id: str
    url: str
    mode: DecodeMode = DecodeMode.KEYFRAMES
    fps: float | None = None
    open_timeout_s: float = 10.0
    read_timeout_s: float = 10.0
    threads: int = 0
    epoch: datetime | None = None

    def __post_init__(self) -> None:
        if self.mode is DecodeMode.FPS and (self.fps is None or self.fps <= 0):
            raise ValueError(f"{self.camera_id}: decode mode fps needs fps > 0; got {self.fps}")
        if self.epoch is not None and self.epoch.tzinfo is None:
            raise ValueError(f"{self.camera_id}: epoch must be timezone-aware; got {self.epoch}")

    @classmethod
    def from_camera(cls, camera: CameraConfig, **overrides: Any) -> SourceSpec:
        """The spec of a configured camera; keyword overrides replace single fields."""
        values: dict[str, Any] = {
            "camera_id": camera.id,
            "url": camera.url,
            "mode": camera.decode,
            "fps": camera.fps,
            "open_timeout_s": camera.reconnect.open_timeout_s,
            "read_timeout_s": camera.reconnect.read_timeout_s,
        }
        return cls(**(values | overrides))

    @property
    def is_live(self) -> bool:
        return is_live_url(self.url)


@dataclass(slots=True)
class SourceStats:
    """Counters of one source over all its sessions (measurement only, ``time.perf_counter``).

    Attributes:
        sessions: successful opens.
        packets: non-empty packets demuxed.
        decoded: frames out of the decoder.
        yielded: frames handed to the caller.
        converted: yielded frames whose picture was converted to BGR (someone asked for it: the
            others were only compared in grey, see :mod:`~edge_agent.ingest.picture`).
        corrupt: packets the decoder rejected (skipped).
        undecoded: key packets left undecoded because nobody needed their picture
            (:attr:`AvSource.next_look_pts`).
        open_s / demux_s / decode_s / convert_s: seconds spent opening, reading packets, decoding
            and converting to BGR (the last on the thread that asked for the picture).
    """

    sessions: int = 0
    packets: int = 0
    decoded: int = 0
    yielded: int = 0
    converted: int = 0
    corrupt: int = 0
    undecoded: int = 0
    open_s: float = 0.0
    demux_s: float = 0.0
    decode_s: float = 0.0
    convert_s: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


class FrameSource(Protocol):
    """What the camera worker and the replay need from a source of frames."""

    spec: SourceSpec
    stats: SourceStats
    #: No picture is needed before this output pts (``None``: every one); a hint a source may
    #: ignore.
    next_look_pts: float | None

    @property
    def epoch(self) -> datetime | None:
        """Wall-clock label of pts 0 (``None`` for a live source before its first frame)."""
        ...

    def open(self) -> None:
        """Open (or re-open after :meth:`close`); raises :class:`SourceError`."""
        ...

    def frames(self, interrupt: Interrupt | None = None) -> Iterator[Frame]:
        """Frames until the end of the file or stream; raises :class:`SourceError`."""
        ...

    def close(self) -> None:
        """Release the container; safe to call twice."""
        ...


@dataclass(slots=True)
class _Session:
    container: Any
    stream: Any
    time_base: float
    #: A network stream: its packets' arrival moves the epoch (decided once, not per packet).
    live: bool = False
    last_raw: float | None = None
    #: Keyframes mode, and the demuxer flags key packets: only those reach the decoder.
    keys_flagged: bool = False
    guesser: PtsGuesser = field(default_factory=PtsGuesser)
    #: Output pts minus raw seconds at the last decoded frame: where a packet will land.
    offset: float | None = None


@dataclass
class AvSource:
    """A :class:`FrameSource` on PyAV (FFmpeg) for files and network streams.

    Args:
        spec: what to open and how to decode it.
        clock: timezone-aware wall clock of a live source (read at a session's first frame to
            set the epoch, and at each packet to move it earlier: see
            :meth:`~edge_agent.ingest.timeline.Timeline.arrived`); ignored for files.
    """

    spec: SourceSpec
    clock: WallClock = field(default=lambda: datetime.now(UTC))
    stats: SourceStats = field(default_factory=SourceStats, init=False)
    #: Keyframes mode: no picture is needed before this output pts (set by the consumer, read
    #: by the reading thread: a float, replaced whole). ``None``: decode every keyframe.
    next_look_pts: float | None = field(default=None, init=False)
    _session: _Session | None = field(default=None, init=False, repr=False)
    _timeline: Timeline | None = field(default=None, init=False, repr=False)
    _sampler: FpsSampler | None = field(default=None, init=False, repr=False)
    _index: int = field(default=0, init=False, repr=False)
    #: perf_counter when the last packet was read (see :meth:`_arrival_clock`).
    _read_at: float | None = field(default=None, init=False, repr=False)

    @property
    def epoch(self) -> datetime | None:
        return None if self._timeline is None else self._timeline.epoch

    @property
    def last_pts(self) -> float | None:
        """Output pts of the last decoded frame (continues across sessions)."""
        return None if self._timeline is None else self._timeline.last_pts

    def __enter__(self) -> AvSource:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        self.close()
        url = redact_url(self.spec.url)
        if not self.spec.is_live and not Path(self.spec.url).is_file():
            raise SourceError(f"{self.spec.camera_id}: video file not found: {url}")
        started = time.perf_counter()
        container = _open_container(self.spec)
        try:
            stream = container.streams.video[0]
        except IndexError:
            container.close()
            raise SourceError(f"{self.spec.camera_id}: no video stream in {url}") from None
        _configure_decoder(stream, self.spec)
        self.stats.open_s += time.perf_counter() - started
        self.stats.sessions += 1
        time_base = float(stream.time_base or 0.0)
        self._session = _Session(container, stream, time_base, live=self.spec.is_live)
        if self._timeline is None:
            self._timeline = self._new_timeline(container, stream)
        self._timeline.start_session()
        if self.spec.mode is DecodeMode.FPS and self._sampler is None:
            self._sampler = FpsSampler(float(self.spec.fps or 0))

    def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.container.close()
            except (av.FFmpegError, OSError) as exc:  # closing a dead connection may complain
                log.debug("%s: close: %s", self.spec.camera_id, exc)

    def frames(self, interrupt: Interrupt | None = None) -> Iterator[Frame]:
        session = self._session
        if session is None:
            raise SourceError(f"{self.spec.camera_id}: frames() before open()")
        packets = session.container.demux(session.stream)
        while True:
            packet = self._next_packet(packets)
            if packet is None:
                return
            if session.live and self._timeline is not None:
                # by its decode time: a packet reordered ahead (B-frames) is sent before its pts
                sent = self._lands(session, packet, packet.dts)
                if sent is not None:
                    self._timeline.arrived(sent, self.clock())
            for decoded in self._decode(session, packet):
                frame = self._to_frame(session, decoded)
                if frame is not None:
                    yield frame
            reason = interrupt() if interrupt is not None else None
            if reason:
                raise SourceInterrupted(redact_url(self.spec.url), reason)

    def _next_packet(self, packets: Iterator[Any]) -> Any | None:
        started = time.perf_counter()
        try:
            packet = next(packets)
        except StopIteration:
            return None
        except _TIMEOUT_ERRORS as exc:
            raise StreamStalled(
                f"{self.spec.camera_id}: no data from {redact_url(self.spec.url)} within "
                f"{self.spec.read_timeout_s:g} s ({_describe(exc, self.spec.url)})"
            ) from None
        except (av.FFmpegError, OSError) as exc:
            raise SourceError(
                f"{self.spec.camera_id}: read error on {redact_url(self.spec.url)}: "
                f"{_describe(exc, self.spec.url)}"
            ) from None
        finally:
            self._read_at = time.perf_counter()
            self.stats.demux_s += self._read_at - started
        if packet.size:
            self.stats.packets += 1
        return packet

    def _decode(self, session: _Session, packet: Any) -> list[Any]:
        if self.spec.mode is DecodeMode.KEYFRAMES and packet.is_keyframe:
            session.keys_flagged = True
            if self._not_needed(session, packet):
                self.stats.undecoded += 1
                return []
        elif session.keys_flagged:
            return []  # a non-key packet the decoder would skip, or the end: nothing held back
        started = time.perf_counter()
        try:
            frames = packet.decode()
            if session.keys_flagged:  # each key picture out now, not at the next one
                frames += session.stream.codec_context.decode(None)
                session.stream.codec_context.flush_buffers()
            return frames
        except av.InvalidDataError as exc:  # a damaged packet on a live stream: skip it
            self.stats.corrupt += 1
            log.debug("%s: corrupt packet skipped: %s", self.spec.camera_id, exc)
            return []
        finally:
            self.stats.decode_s += time.perf_counter() - started

    def _not_needed(self, session: _Session, packet: Any) -> bool:
        """Whether this key packet lands before :attr:`next_look_pts` (half a frame's slack).

        A packet that would land at or before the last frame (the stream's clock jumped back)
        is decoded: the timeline re-anchors on it, and nothing is skipped on a stale offset."""
        look, timeline = self.next_look_pts, self._timeline
        lands = None if look is None else self._lands(session, packet)
        if look is None or lands is None or timeline is None:
            return False
        last = timeline.last_pts
        return (last is None or lands > last) and lands < look - timeline.step_s / 2

    @staticmethod
    def _lands(session: _Session, packet: Any, raw: int | None = None) -> float | None:
        """The output pts the packet's picture would get, or of its ``raw`` timestamp instead of
        its pts (the pts where ``raw`` is ``None``); ``None`` before this session's first
        decoded frame, or without a timestamp."""
        raw = packet.pts if raw is None else raw
        if session.offset is None or raw is None:
            return None
        # the stream's, as a float once: a packet's own is a Fraction, 2.8 us to convert each time
        time_base = session.time_base or (float(packet.time_base) if packet.time_base else 0.0)
        return float(raw) * time_base + session.offset

    def _to_frame(self, session: _Session, decoded: Any) -> Frame | None:
        assert self._timeline is not None
        self.stats.decoded += 1
        raw, timed = _raw_seconds(decoded, session, self._timeline.step_s)
        session.last_raw = raw
        pts = self._timeline.map(raw, timed)
        session.offset = pts - raw if timed else None
        index = self._index
        self._index += 1
        if self._sampler is not None and not self._sampler.take(pts):
            return None
        self.stats.yielded += 1
        picture = DecodedPicture(decoded, self._converted)
        return Frame(self.spec.camera_id, picture, pts, index, bool(decoded.key_frame))

    def _converted(self, seconds: float) -> None:
        """A frame's picture was converted to BGR (by whoever asked for it, after the yield)."""
        self.stats.convert_s += seconds
        self.stats.converted += 1

    def _arrival_clock(self) -> datetime:
        """The wall clock when the packet just decoded was read. A live source's epoch is set
        from it: the time its first picture took to decode, or waited for a core among a box's
        other cameras starting at once, would otherwise label every later frame that much late
        (frame-to-ticket latency came out negative at 112 cameras on 2 cores)."""
        now = self.clock()
        if self._read_at is None:
            return now
        return now - timedelta(seconds=max(0.0, time.perf_counter() - self._read_at))

    def _new_timeline(self, container: Any, stream: Any) -> Timeline:
        rate = stream.average_rate or stream.guessed_rate
        step = 1.0 / float(rate) if rate else _DEFAULT_STEP_S
        if self.spec.is_live:
            return Timeline(step_s=step, clock=self._arrival_clock)
        epoch = self.spec.epoch or file_epoch(dict(container.metadata), dict(stream.metadata))
        return Timeline(step_s=step, epoch=epoch)


def open_source(
    camera: CameraConfig, *, clock: WallClock | None = None, **overrides: Any
) -> AvSource:
    """An unopened source for a configured camera; ``overrides`` replace :class:`SourceSpec` fields.

    Example:
        >>> from edge_agent.config.models import CameraConfig
        >>> src = open_source(CameraConfig(id="cam1", url="clip.mp4", decode="fps", fps=2))
        >>> src.spec.mode.value, src.spec.fps
        ('fps', 2.0)
    """
    spec = SourceSpec.from_camera(camera, **overrides)
    return AvSource(spec) if clock is None else AvSource(spec, clock=clock)


def _open_container(spec: SourceSpec) -> Any:
    options: dict[str, str] = {}
    if spec.url.lower().startswith(("rtsp://", "rtsps://")):
        # FFmpeg ≥ 5 (this wheel: 8.x) names the RTSP socket I/O timeout "timeout", in µs
        # ("stimeout" is gone); PyAV's own timeout tuple drives the interrupt callback on top.
        options = {
            "rtsp_transport": "tcp",
            "timeout": str(int(spec.read_timeout_s * 1e6)),
            "analyzeduration": str(int(RTSP_ANALYZE_S * 1e6)),
        }
    try:
        return av.open(
            spec.url, options=options, timeout=(spec.open_timeout_s, spec.read_timeout_s)
        )
    except (av.FFmpegError, OSError) as exc:
        raise SourceError(
            f"{spec.camera_id}: cannot open {redact_url(spec.url)}: {_describe(exc, spec.url)}"
        ) from None  # the original names the URL with its password


def _configure_decoder(stream: Any, spec: SourceSpec) -> None:
    stream.thread_type = "AUTO"
    stream.codec_context.thread_count = spec.threads
    if spec.mode is DecodeMode.KEYFRAMES:
        stream.codec_context.skip_frame = "NONKEY"


def _describe(exc: BaseException, url: str) -> str:
    """FFmpeg's message without the URL it repeats (which may hold a password)."""
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).replace(url, redact_url(url))


def _raw_seconds(decoded: Any, session: _Session, step_s: float) -> tuple[float, bool]:
    """A decoded frame's timestamp in seconds (best effort), else one step after the last; and
    whether the stream gave it."""
    ts = session.guesser.guess(decoded.pts, decoded.dts)
    time_base = float(decoded.time_base) if decoded.time_base else session.time_base
    if ts is not None and time_base:
        return float(ts) * time_base, True
    return (0.0 if session.last_raw is None else session.last_raw + step_s), False
