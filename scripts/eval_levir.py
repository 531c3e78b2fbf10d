"""Pixel F1 and object recall of the change comparator on the LEVIR-CD sample pairs.

Each pair ``A/x.png`` (before), ``B/x.png`` (after), ``label/x.png`` (new buildings) is compared
by the ONNX model; the change map goes through the same threshold and morphology as the
construction watch (``regions.binarize`` with the ``ConstructionSettings`` defaults). Figures:

- pixel precision, recall and F1 over all pairs together;
- object recall: the share of labelled buildings (connected components of the label) with at least
  ``--hit`` of their pixels flagged.

Usage::

    .venv/bin/python scripts/eval_levir.py [--data ../shared/data/change/levir] [--threshold 0.5]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from edge_agent.analytics.construction_watch.comparator import Comparator
from edge_agent.analytics.construction_watch.regions import binarize
from edge_agent.config.models import ConstructionSettings

REPO = Path(__file__).resolve().parent.parent


def evaluate(
    data: Path, comparator: Comparator, settings: ConstructionSettings, hit: float
) -> dict[str, float | int]:
    """Pooled pixel counts and object hits over every pair under ``data``."""
    tp = fp = fn = objects = found = 0
    for a_path in sorted((data / "A").glob("*.png")):
        a = cv2.imread(str(a_path), cv2.IMREAD_GRAYSCALE)
        b = cv2.imread(str(data / "B" / a_path.name), cv2.IMREAD_GRAYSCALE)
        gt = cv2.imread(str(data / "label" / a_path.name), cv2.IMREAD_GRAYSCALE) > 127
        change = comparator.compare(a, b)
        pred = binarize(change, settings.change_threshold, settings.open_px, settings.close_px) > 0
        tp += int(np.sum(pred & gt))
        fp += int(np.sum(pred & ~gt))
        fn += int(np.sum(~pred & gt))
        n, labels = cv2.connectedComponents(gt.astype(np.uint8), connectivity=8)
        for i in range(1, n):
            obj = labels == i
            objects += 1
            found += int(np.mean(pred[obj]) >= hit)
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    return {
        "pixel_precision": round(precision, 4),
        "pixel_recall": round(recall, 4),
        "pixel_f1": round(f1, 4),
        "objects": objects,
        "objects_found": found,
        "object_recall": round(found / max(objects, 1), 4),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=REPO.parent / "shared/data/change/levir")
    p.add_argument("--model", type=Path, default=REPO / "models/change_structural.onnx")
    defaults = ConstructionSettings()
    p.add_argument("--threshold", type=float, default=defaults.change_threshold)
    p.add_argument("--open-px", type=int, default=defaults.open_px, help="Opening kernel (px).")
    p.add_argument("--close-px", type=int, default=defaults.close_px, help="Closing kernel (px).")
    p.add_argument(
        "--hit", type=float, default=0.5, help="Share of an object's pixels to count it."
    )
    a = p.parse_args()
    settings = ConstructionSettings(
        change_threshold=a.threshold, open_px=a.open_px, close_px=a.close_px
    )
    result = evaluate(a.data, Comparator(a.model), settings, a.hit)
    print(json.dumps({"model": a.model.name, "threshold": a.threshold} | result, indent=2))


if __name__ == "__main__":
    main()
