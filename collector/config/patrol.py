"""Daily patrol settings (``policy.patrol`` in ``policy.yaml``): when a watched place without its
day's patrol check is flagged missing, and which category a stop-work household's construction
change opens (see :mod:`collector.patrol`)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["PatrolPolicy"]

_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


class PatrolPolicy(BaseModel):
    """The center's side of the daily patrol; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stop_work_category: Annotated[str, Field(pattern=r"^\d{4}$")] | None = Field(
        None,
        description="Ticket category of a construction change at a stop-work household "
        "(a breached stop-work order); unset: it is filed as any construction change.",
    )
    grace_min: float = Field(
        60,
        ge=0,
        le=24 * 60,
        description="Minutes after the end of a place's window before its missing check is flagged.",
    )
    known_for_days: int = Field(
        7,
        ge=1,
        le=60,
        description="A watched place is expected every day while the center heard of it "
        "(any incident or patrol check) within this many days; also how far back days are checked.",
    )
    default_window: str = Field(
        "09:00-17:00",
        description="Window (HH:MM-HH:MM, the calendar's time zone) of a place known only from "
        "its other incidents, until its first patrol check names its own.",
    )

    @field_validator("default_window")
    @classmethod
    def _window(cls, value: str) -> str:
        if not _WINDOW.match(value) or value[:5] >= value[6:]:
            raise ValueError(f"a window reads HH:MM-HH:MM with start before end; got {value!r}")
        return value
