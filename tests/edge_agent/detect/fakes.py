"""Fakes for the pure detector tests: a session that echoes its input and an adapter that "sees"
white rectangles on black, so a test knows exactly which boxes each tile must yield."""

from __future__ import annotations

import cv2
import numpy as np

from edge_agent.detect.adapters import Prepared
from edge_agent.detect.letterbox import Placement
from edge_agent.detections import Detections


class EchoSession:
    """Returns the batch it is fed; records the batch sizes."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def run(self, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        batch = feeds["pictures"]
        self.batches.append(len(batch))
        return [batch]


class WhiteBoxAdapter:
    """Each white blob's bounding box is a person scoring 0.9 (pictures padded to a common size)."""

    kind = "fake"

    def __init__(self, batchable: bool) -> None:
        self.batchable = batchable

    def prepare(self, images: list[np.ndarray]) -> Prepared:
        h = max(i.shape[0] for i in images)
        w = max(i.shape[1] for i in images)
        batch = np.zeros((len(images), h, w), np.uint8)
        for b, img in enumerate(images):
            batch[b, : img.shape[0], : img.shape[1]] = img[:, :, 0]
        places = tuple(Placement(1, 1, 0, 0, i.shape[1], i.shape[0]) for i in images)
        return Prepared({"pictures": batch}, places)

    def decode(self, outputs: list[np.ndarray], prepared: Prepared) -> list[Detections]:
        found = []
        for picture in outputs[0]:
            contours, _ = cv2.findContours(picture, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            boxes = [cv2.boundingRect(c) for c in contours]
            xyxy = np.array([[x, y, x + w, y + h] for x, y, w, h in boxes], np.float32)
            n = len(boxes)
            found.append(Detections(xyxy, np.full(n, 0.9), np.zeros(n)))
        return found
