"""Illegal-construction watch: new small structures that persist, and camera tamper.

Public API (the pipeline and the replay CLI build one watch per construction-watch zone, or one
for the whole frame when a camera has no such zone)::

    from edge_agent.construction import Comparator, ConstructionWatch
    watch = ConstructionWatch(site, box, camera_id, zone_or_None, settings, comparator,
                              evidence_store_or_None, baseline_dir)
    incidents = watch.observe(frame, people_and_vehicles, observed_at)   # every keyframe
    incidents += watch.flush()                                           # at the end of a file

Modules: ``background`` (masked medians, lighting buckets), ``reference`` (store + audit),
``align`` (registration, view health), ``comparator`` (ONNX change map), ``regions``
(morphology, components), ``observe`` (one observation), ``tracker`` (persistence rules),
``events`` (incidents and evidence), ``watch`` (the stateful whole), ``capture`` (CLI library).
"""

from edge_agent.construction.background import Lighting
from edge_agent.construction.comparator import DEFAULT_MODEL, Comparator
from edge_agent.construction.reference import Reference, ReferenceStore
from edge_agent.construction.watch import WHOLE_FRAME_ZONE, ConstructionWatch

__all__ = [
    "Comparator",
    "ConstructionWatch",
    "DEFAULT_MODEL",
    "Lighting",
    "Reference",
    "ReferenceStore",
    "WHOLE_FRAME_ZONE",
]
