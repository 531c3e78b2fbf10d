"""Incidents: the dataclass of the wire contract, evidence images, throttling."""

from edge_agent.incidents.model import EventState, Evidence, Incident, IncidentKind, Level, new_id

__all__ = ["EventState", "Evidence", "Incident", "IncidentKind", "Level", "new_id"]
