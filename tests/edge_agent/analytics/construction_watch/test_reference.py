"""Reference store, masked median and lighting buckets."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from edge_agent.analytics.construction_watch.background import (
    Lighting,
    lighting_of,
    masked_median,
    transient_mask,
)
from edge_agent.analytics.construction_watch.reference import Reference, ReferenceStore
from edge_agent.detections import Detections
from edge_agent.errors import BaselineError


def test_store_round_trip_and_audit(tmp_path: Path) -> None:
    store = ReferenceStore(tmp_path, "cam1", "lane-7")
    img = np.random.default_rng(0).integers(0, 255, (24, 32, 3), dtype=np.uint8)
    a = store.save(Reference(img, Lighting.DAY, 600.0, 9, 120.0), "capture", who="alice")
    b = store.save(Reference(img[::-1].copy(), Lighting.DAY, 900.0, 9, 121.0), "accept", "bob")
    taken = datetime(2026, 5, 1, 19, 30, tzinfo=UTC)
    night = Reference(img // 4, Lighting.NIGHT, 950.0, 9, 30.0, taken_at=taken)
    store.save(night, "auto-capture", "edge-agent")
    loaded = store.load_all()
    assert sorted(loaded) == [Lighting.DAY, Lighting.NIGHT]
    assert np.array_equal(loaded[Lighting.DAY].image, img[::-1])
    assert loaded[Lighting.DAY].sha256 == b.sha256 != a.sha256
    assert (loaded[Lighting.DAY].taken_at, loaded[Lighting.NIGHT].taken_at) == (None, taken)
    hist = store.history()
    assert [(h["action"], h["who"], h["old_sha256"]) for h in hist] == [
        ("capture", "alice", None),
        ("accept", "bob", a.sha256),
        ("auto-capture", "edge-agent", None),
    ]


def test_tampered_reference_file_is_refused(tmp_path: Path) -> None:
    store = ReferenceStore(tmp_path, "cam1", "z")
    store.save(Reference(np.zeros((8, 8, 3), np.uint8), Lighting.DAY, 0, 1, 0), "capture", "x")
    meta = tmp_path / "cam1" / "z" / "day.json"
    meta.write_text(json.dumps(json.loads(meta.read_text()) | {"sha256": "0" * 64}))
    with pytest.raises(BaselineError, match="sha256"):
        store.load(Lighting.DAY)
    # accepting a new reference repairs it (the damaged one need not load)
    fresh = store.save(Reference(np.ones((8, 8, 3), np.uint8), Lighting.DAY, 5, 1, 1), "accept")
    assert store.load(Lighting.DAY).sha256 == fresh.sha256
    assert store.history()[-1]["old_sha256"] == "0" * 64


def test_damaged_audit_line_is_a_clean_error(tmp_path: Path) -> None:
    store = ReferenceStore(tmp_path, "cam1", "z")
    store.save(Reference(np.zeros((8, 8, 3), np.uint8), Lighting.DAY, 0, 1, 0), "capture", "x")
    with store.audit_path.open("a") as f:
        f.write("{truncated\n")
    with pytest.raises(BaselineError, match=r"audit.jsonl: line 2"):
        store.history()


def test_masked_median_ignores_people_and_vehicles() -> None:
    """A person standing in 3 of 5 frames is still removed: the median uses the 2 clear ones."""
    ground = np.full((40, 40, 3), 90, np.uint8)
    frames, masks = [], []
    for i in range(5):
        f = ground.copy()
        boxes = np.zeros((0, 4), np.float32)
        if i < 3:
            f[10:30, 10:20] = 250
            boxes = np.array([[10, 10, 20, 30]], np.float32)
        frames.append(f)
        dets = Detections(boxes, np.ones(len(boxes), np.float32), np.zeros(len(boxes), np.int32))
        masks.append(transient_mask(dets, 40, 40))
    assert np.array_equal(masked_median(frames, masks), ground)
    assert not np.array_equal(masked_median(frames, [np.zeros((40, 40), bool)] * 5), ground)


@pytest.mark.parametrize(
    ("level", "bucket"), [(200, Lighting.DAY), (50, Lighting.DUSK), (10, Lighting.NIGHT)]
)
def test_lighting_buckets(level: int, bucket: Lighting) -> None:
    assert lighting_of(np.full((4, 4), level, np.uint8), 70, 30) is bucket


def test_transient_mask_ignores_other_classes() -> None:
    dets = Detections(
        np.array([[0, 0, 10, 10], [20, 20, 30, 30]], np.float32),
        np.ones(2, np.float32),
        np.array([0, 56], np.int32),
    )  # person, chair
    m = transient_mask(dets, 40, 40)
    assert m[5, 5] and not m[25, 25]
