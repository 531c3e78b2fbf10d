"""Ingest: frames from video files and RTSP cameras (PyAV), one thread per camera, bounded queues.

The pipeline calls:

- :class:`CameraPool` (many cameras, ``run``) or :class:`CameraWorker` (one camera) — threads that
  connect, decode, reconnect with backoff and report state changes;
- :func:`open_source` / :class:`AvSource` — a source to iterate directly (``replay``, ``bench``),
  with :class:`SourceStats` per stage.
"""

from edge_agent.ingest.camera import CameraStatus, CameraWorker, StateCallback, WorkerOptions
from edge_agent.ingest.dropqueue import DropOldestQueue
from edge_agent.ingest.pool import CameraPool
from edge_agent.ingest.source import (
    AvSource,
    FrameSource,
    SourceInterrupted,
    SourceSpec,
    SourceStats,
    StreamStalled,
    is_live_url,
    open_source,
    redact_url,
)
from edge_agent.ingest.states import CameraEvent, CameraState
from edge_agent.ingest.timeline import DEFAULT_FILE_EPOCH, FpsSampler, Timeline

__all__ = [
    "AvSource",
    "CameraEvent",
    "CameraPool",
    "CameraState",
    "CameraStatus",
    "CameraWorker",
    "DEFAULT_FILE_EPOCH",
    "DropOldestQueue",
    "FpsSampler",
    "FrameSource",
    "SourceInterrupted",
    "SourceSpec",
    "SourceStats",
    "StateCallback",
    "StreamStalled",
    "Timeline",
    "WorkerOptions",
    "is_live_url",
    "open_source",
    "redact_url",
]
