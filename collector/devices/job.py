"""The scheduler's device-health job: faults to tickets, recoveries noted, one box a transaction."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from collector.devices.cases import file_fault, read_boxes, recover, sync_cameras
from collector.devices.health import BoxSeen, box_faults, box_healthy, camera_faults
from collector.errors import CollectorError
from collector.store import write_transaction

if TYPE_CHECKING:  # the scheduler imports this job, not the other way round
    from collector.scheduler.context import JobContext

__all__ = ["device_health_job"]

log = logging.getLogger(__name__)


def device_health_job(ctx: JobContext) -> int:
    """File every fault held long enough; returns how many episodes were filed this round."""
    filed = 0
    for seen in read_boxes(ctx.db):
        try:
            filed += _one_box(ctx, seen)
        except CollectorError as err:  # this box's round is rolled back; the others go on
            log.error("device health of %s/%s: %s", seen.site, seen.box, err)
    return filed


def _one_box(ctx: JobContext, seen: BoxSeen) -> int:
    policy = ctx.center.policy.devices
    with write_transaction(ctx.db):
        cameras = sync_cameras(ctx.db, seen)
        faults = box_faults(seen, ctx.now, policy) + camera_faults(cameras, ctx.now, policy)
        filed = sum(file_fault(ctx.db, f, ctx.center, ctx.now) for f in faults)
        if box_healthy(seen, ctx.now, policy):
            recover(ctx.db, f"{seen.site}/{seen.box}", ctx.now)
        for cam in cameras:
            if cam.state == "running":
                recover(ctx.db, f"{cam.site}/{cam.box}/{cam.camera}", ctx.now)
    return filed
