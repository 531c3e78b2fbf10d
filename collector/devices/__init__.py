"""Camera and edge-box health as cases: offline boxes (last will), silent boxes, cameras offline
beyond a configured time become device-fault tickets (tamper incidents are filed in the same
category by the ticket intake), routed to the unit that maintains the cameras."""

from collector.devices.cases import file_fault, read_boxes, recover, sync_cameras
from collector.devices.health import BoxSeen, CameraSeen, Fault, box_faults, camera_faults

__all__ = [
    "BoxSeen",
    "CameraSeen",
    "Fault",
    "box_faults",
    "camera_faults",
    "file_fault",
    "read_boxes",
    "recover",
    "sync_cameras",
]
