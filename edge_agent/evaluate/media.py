"""Reading what the evaluations need from a video file."""

from __future__ import annotations

from pathlib import Path

import av

from edge_agent.errors import SourceError

__all__ = ["video_size"]


def video_size(video: Path) -> tuple[int, int]:
    """(width, height) of the first video stream."""
    try:
        with av.open(str(video)) as c:
            ctx = c.streams.video[0].codec_context
            return ctx.width, ctx.height
    except (av.FFmpegError, IndexError) as err:
        raise SourceError(f"{video}: cannot read video: {err}") from err
