"""CPU milliseconds per analysed frame of slicing off, tiles and auto (a benchmark, not a test).

CPU time of the process (onnxruntime at 1 intra-op thread), not wall time, so the figure holds
on a shared, loaded machine: on an idle box the wall time with 2 threads is about half of it.

Usage::

    .venv/bin/python scripts/bench_slicing.py --video /usr/share/doc/opencv-doc/examples/data/vtest.avi \\
        --model models/ssdlite_mobilenet_v2_person.onnx --model ../shared/data/models/yolox_nano.onnx
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import av

from edge_agent.config.models import ModelConfig, SlicingConfig
from edge_agent.detect import build_detector
from edge_agent.detect.auto_slicing import SlicingPlan, auto_tile_side, network_side


def frames(video: Path, every: int) -> list[tuple[float, object]]:
    with av.open(str(video)) as c:
        return [
            (float(f.time), f.to_ndarray(format="bgr24"))
            for i, f in enumerate(c.decode(video=0))
            if i % every == 0
        ]


def bench(model: Path, sample: list) -> None:
    det = build_detector(ModelConfig(path=str(model), threads=1), Path.cwd())
    net = network_side(det)
    tiles = SlicingConfig(tile=auto_tile_side(net))
    det.detect(sample[0][1])
    det.detect(sample[0][1], tiles)  # warm-up: the first run of each shape allocates
    for setting in ("off", tiles, "auto"):
        plan = SlicingPlan(setting, net)
        cpu = []
        for t, image in sample:
            c0 = time.process_time()
            plan.detect(det, image, t)
            cpu.append((time.process_time() - c0) * 1000)
        name = setting if isinstance(setting, str) else f"tiles {setting.tile}"
        print(
            f"{model.stem}  {name:9s}  CPU ms/frame: mean {statistics.fmean(cpu):.1f}, "
            f"median {statistics.median(cpu):.1f}, first {cpu[0]:.1f}  -> {plan.choice.describe()}"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--video", type=Path, required=True)
    p.add_argument("--model", type=Path, action="append", required=True)
    p.add_argument("--every", type=int, default=20, help="Take every Nth frame.")
    args = p.parse_args()
    sample = frames(args.video, args.every)
    for model in args.model:
        bench(model, sample)


if __name__ == "__main__":
    main()
