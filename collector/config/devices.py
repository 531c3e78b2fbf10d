"""Device health settings (``policy.devices`` in ``policy.yaml``): when an edge box or a camera
becomes a device-fault ticket (see :mod:`collector.devices`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DeviceHealth"]


class DeviceHealth(BaseModel):
    """When an edge box or a camera becomes a device-fault ticket; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Annotated[str, Field(pattern=r"^\d{4}$")] | None = Field(
        None,
        description="Ticket category of device faults (tamper, box or camera offline); "
        "unset: device faults open no ticket.",
    )
    box_offline_after_min: float = Field(
        2, ge=0, description="A box's last will ('offline') held this long opens a ticket."
    )
    box_silent_after_min: float = Field(
        15,
        gt=0,
        description="A box heard of not at all this long (stopped and not back, or online but "
        "without status or metrics) opens a ticket.",
    )
    camera_offline_after_min: float = Field(
        10, ge=0, description="A camera offline or reconnecting this long opens a ticket."
    )
    dispatch: bool = Field(
        True, description="Register and dispatch a device-fault ticket at once (its routing)."
    )
    fallback_cell: Annotated[str, Field(pattern=r"^\d{15}$")] | None = Field(
        None, description="Cell of a box missing from the camera registry (default: first cell)."
    )
