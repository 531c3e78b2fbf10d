"""Serve one H.264 mp4 on N RTSP paths from one gst-rtsp-server process, looped, on 127.0.0.1.

A load generator for ``scripts/bench_rtsp.py``: each path ``/cam0 … /cam{N-1}`` has its own shared
media (one pipeline per path, however many clients), and the clip loops forever, as a live camera
does. Run by the Debian ``/usr/bin/python3`` (the interpreter that has ``gi``)::

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
        mounts.add_factory(f"/cam{i}", factory)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", file=sys.stderr)
        return 3
    print("READY", flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
