"""The ``tamper`` incident of a view (camera health's and a construction watch's), with the
healthy view and the bad one as evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np

from edge_agent.contract.incident import EventState, Evidence, Incident, IncidentKind, Level
from edge_agent.incidents.origin import Origin

__all__ = ["TamperCase", "tamper_incident"]


class _Sink(Protocol):
    """What :class:`edge_agent.incidents.evidence.EvidenceStore` offers."""

    def save(self, incident_id: str, seq: int, role: str, image: np.ndarray) -> Evidence: ...


@dataclass
class TamperCase:
    """An open tamper incident of one watch."""

    id: str
    started_at: datetime
    reason: str
    seq: int = 0
    check: str | None = None  # which view check fired (covered, moved, frozen, ...)


def tamper_incident(
    where: Origin,
    case: TamperCase,
    state: EventState,
    observed: tuple[datetime, float],
    pictures: tuple[np.ndarray, np.ndarray] | None,
    sink: _Sink | None,
) -> Incident:
    """A ``tamper`` event; ``pictures`` = (reference, observation) BGR full frames, or None."""
    at, pts = observed
    evidence: tuple[Evidence, ...] = ()
    if pictures is not None and sink is not None:
        evidence = tuple(
            sink.save(case.id, case.seq, role, img)
            for role, img in (("before", pictures[0]), ("after", pictures[1]))
        )
    reason = case.reason if state is not EventState.CLEARED else f"view restored ({case.reason})"
    return Incident(
        id=case.id,
        seq=case.seq,
        **where.ids(),
        kind=IncidentKind.TAMPER,
        level=Level.WARNING,
        state=state,
        started_at=case.started_at,
        observed_at=at,
        metrics={"reason": reason[:200], **({"check": case.check} if case.check else {})},
        evidence=evidence,
        stream_pts=pts,
    )
