"""Device health, one round (the scheduler's ``device_health`` job): faults to tickets,
recoveries noted, one box a transaction."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlite_utils

from collector.config.models import CenterConfig
from collector.devices.cases import file_fault, read_boxes, recover, sync_cameras
from collector.devices.health import BoxSeen, box_faults, box_healthy, camera_faults
from collector.errors import CollectorError
from collector.store import write_transaction

__all__ = ["device_health"]

log = logging.getLogger(__name__)


def device_health(db: sqlite_utils.Database, now: datetime, center: CenterConfig) -> int:
    """File every fault held long enough at ``now``; returns how many episodes were filed."""
    if center.policy.devices.category is None:  # device faults are not cases in this center
        return 0
    filed = 0
    for seen in read_boxes(db):
        try:
            filed += _one_box(db, now, center, seen)
        except CollectorError as err:  # this box's round is rolled back; the others go on
            log.error("device health of %s/%s: %s", seen.site, seen.box, err)
    return filed


def _one_box(db: sqlite_utils.Database, now: datetime, center: CenterConfig, seen: BoxSeen) -> int:
    policy = center.policy.devices
    with write_transaction(db):
        cameras = sync_cameras(db, seen)
        faults = box_faults(seen, now, policy) + camera_faults(cameras, now, policy)
        filed = sum(file_fault(db, f, center, now) for f in faults)
        if box_healthy(seen, now, policy):
            recover(db, f"{seen.site}/{seen.box}", now)
        for cam in cameras:
            if cam.state == "running":
                recover(db, f"{cam.site}/{cam.box}/{cam.camera}", now)
    return filed
