"""Detections: parallel numpy arrays, validated once, independent of any model format."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Detections", "PERSON_CLASS"]

#: Class id of a person in our detections (COCO index 0). Adapters map their model's ids to this.
PERSON_CLASS = 0


@dataclass(frozen=True)
class Detections:
    """Boxes found in one frame.

    Attributes:
        xyxy: ``(n, 4)`` float32 boxes in frame pixels ``[x1, y1, x2, y2]``.
        confidence: ``(n,)`` float32 scores in ``[0, 1]``.
        class_id: ``(n,)`` int32 COCO class ids (0 = person).

    Example:
        >>> d = Detections(np.array([[0, 0, 10, 20]], np.float32), np.array([0.9], np.float32),
        ...                np.array([0], np.int32))
        >>> d.bottom_centers().tolist()
        [[5.0, 20.0]]
    """

    xyxy: np.ndarray
    confidence: np.ndarray
    class_id: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "xyxy", np.asarray(self.xyxy, dtype=np.float32).reshape(-1, 4))
        object.__setattr__(self, "confidence", np.asarray(self.confidence, dtype=np.float32))
        object.__setattr__(self, "class_id", np.asarray(self.class_id, dtype=np.int32))
        n = len(self.xyxy)
        for name in ("confidence", "class_id"):
            arr = getattr(self, name)
            if arr.shape != (n,):
                raise ValueError(f"Detections.{name} must have shape ({n},); got {arr.shape}")

    @classmethod
    def empty(cls) -> Detections:
        return cls(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0, np.int32))

    @classmethod
    def concat(cls, parts: list[Detections]) -> Detections:
        if not parts:
            return cls.empty()
        return cls(
            np.concatenate([p.xyxy for p in parts]),
            np.concatenate([p.confidence for p in parts]),
            np.concatenate([p.class_id for p in parts]),
        )

    def __len__(self) -> int:
        return len(self.xyxy)

    def __getitem__(self, index: np.ndarray | slice) -> Detections:
        """Select by boolean mask, index array or slice; returns a new instance."""
        return Detections(self.xyxy[index], self.confidence[index], self.class_id[index])

    def bottom_centers(self) -> np.ndarray:
        """``(n, 2)`` points where a standing person touches the ground."""
        x = (self.xyxy[:, 0] + self.xyxy[:, 2]) / 2
        return np.stack([x, self.xyxy[:, 3]], axis=1)

    def of_class(self, class_id: int) -> Detections:
        return self[self.class_id == class_id]
