"""Serve one H.264 mp4 on N RTSP paths from one gst-rtsp-server process, looped, on 127.0.0.1.

A load generator for ``scripts/bench_rtsp.py``: each path ``/cam0 … /cam{N-1}`` has its own shared
media (one pipeline per path, however many clients), and the clip loops forever, as a live camera
does. Path ``i`` is sent ``(0.618 i) mod 1`` s late, so the keyframes of the paths an agent opens
at once do not all come in the same instant (they did: one burst a second for every reader). Run by the Debian ``/usr/bin/python3`` (the interpreter that has ``gi``)::

    /usr/bin/python3 scripts/rtsp_serve.py --port 8554 --file clip.mp4 --paths 64

Prints ``READY`` once it listens. Binds to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

LAUNCH = (
    '( multifilesrc location="{file}" loop=true ! qtdemux ! h264parse '
    "! rtph264pay name=pay0 pt=96 )"
)


#: Path ``i`` is sent ``(i * PHASE_STEP) mod 1`` s later than its media's clock says: cameras on
#: an NVR start on their own, so their keyframes do not all come in the same instant (one burst a
#: second would make every reader and the detector queue wait for all the others).
PHASE_STEP = 0.618034  # golden ratio: any number of paths spread evenly over the second


def delay(media: GstRtspServer.RTSPMedia, seconds: float) -> None:
    """Shift the running time of the media's packets by ``seconds``: the sink sends them later."""
    pay = media.get_element().get_by_name("pay0")
    pay.get_static_pad("src").set_offset(int(seconds * Gst.SECOND))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1")
    parser.add_argument("--file", required=True, help="mp4 file with an H.264 video track")
    parser.add_argument("--paths", type=int, default=1, help="number of paths /cam0../camN-1")
    args = parser.parse_args(argv)
    if '"' in args.file:
        print(f"--file: name must not contain a double quote: {args.file}", file=sys.stderr)
        return 2
    if not 1 <= args.paths <= 1024:
        print(f"--paths: must be 1..1024, got {args.paths}", file=sys.stderr)
        return 2
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for i in range(args.paths):
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(LAUNCH.format(file=args.file))
        factory.set_shared(True)
        phase = (i * PHASE_STEP) % 1.0
        factory.connect("media-configure", lambda _f, media, s=phase: delay(media, s))
        mounts.add_factory(f"/cam{i}", factory)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", file=sys.stderr)
        return 3
    print("READY", flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
