"""The scheduler's settings (the ``scheduler:`` section of the collector's YAML)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SchedulerConfig"]


class SchedulerConfig(BaseModel):
    """When the long-running collector runs its timed jobs (escalation, device health)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(True, description="Run the timed jobs inside `collector run`.")
    every_s: float = Field(60, gt=0, le=3600, description="Seconds between two rounds.")
    chunk: int = Field(
        200, ge=1, le=100_000, description="Tickets escalated per transaction (write lock)."
    )
    chunk_pause_ms: float = Field(
        5,
        ge=0,
        le=10_000,
        description="Pause between two chunks, so ingest gets the write lock in between.",
    )
