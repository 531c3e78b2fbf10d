"""Builders shared by the edge agent's tests."""

from __future__ import annotations

#: Thresholds that alarm on a single person at once and clear 2 s after the room empties.
ONE_PERSON_ALARM = {
    "advisory_count": 1,
    "warning_count": 2,
    "critical_count": 3,
    "smoothing_window_s": 0,
    "raise_after_s": 0,
    "clear_after_s": 2,
    "cooldown_s": 0,
}

#: The whole 768×432 frame of the intel sample clips.
WHOLE_FRAME = [[0, 0], [768, 0], [768, 432], [0, 432]]
