"""The daily patrol of watched places, proven by camera (docs/CONTRACT.md, "The daily patrol").

- :func:`file_patrol_check` - a ``patrol_check`` incident becomes its place's record of the day
  (idempotent on ``event_id``); :func:`note_place` remembers the watched place of any incident;
- :func:`flag_missing` - the scheduler's ``patrol_missing`` job: a place without its check once
  its window and the grace have passed is flagged ``missing``, once;
- :func:`day_patrol`, :func:`place_period` - the day's record per cell, the days of one place;
- :func:`patrol_cells` - which cells a person may read.
"""

from collector.patrol.access import patrol_cells
from collector.patrol.intake import PatrolFiled, file_patrol_check, note_place, note_watched
from collector.patrol.missing import flag_missing
from collector.patrol.views import (
    FLAGGED,
    CellPatrol,
    PlaceDay,
    day_patrol,
    evidence_cell,
    place_key,
    place_period,
)

__all__ = [
    "FLAGGED",
    "CellPatrol",
    "PatrolFiled",
    "PlaceDay",
    "day_patrol",
    "evidence_cell",
    "file_patrol_check",
    "flag_missing",
    "note_place",
    "note_watched",
    "patrol_cells",
    "place_key",
    "place_period",
]
