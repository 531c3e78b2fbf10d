"""Illegal-construction watch: new small structures that persist, and the view check (tamper).

The pipeline runs one watch per construction-watch zone (:mod:`.runner`); a replay without a
config runs one over the whole frame. Used alone::

    from edge_agent.analytics.construction_watch import Comparator, ConstructionWatch
    watch = ConstructionWatch(site, box, camera_id, zone_or_None, settings, comparator,
                              evidence_store_or_None, baseline_dir)
    incidents = watch.observe(frame, people_and_vehicles, observed_at)   # every keyframe
    incidents += watch.flush()                                           # at the end of a file

Modules: ``background`` (masked medians, lighting buckets), ``reference`` (store + audit),
``align`` (registration, view health), ``comparator`` (ONNX change map), ``regions``
(morphology, components), ``observe`` (one observation), ``tracker`` (persistence rules),
``events`` (incidents and evidence), ``watch`` (the stateful whole), ``capture`` (CLI library),
``runner`` (the plug-in).
"""

from edge_agent.analytics.construction_watch.background import Lighting
from edge_agent.analytics.construction_watch.comparator import DEFAULT_MODEL, Comparator
from edge_agent.analytics.construction_watch.reference import Reference, ReferenceStore
from edge_agent.analytics.construction_watch.runner import (
    ANALYTIC,
    ConstructionRunner,
    construction_factory,
)
from edge_agent.analytics.construction_watch.watch import WHOLE_FRAME_ZONE, ConstructionWatch

__all__ = [
    "ANALYTIC",
    "Comparator",
    "ConstructionRunner",
    "ConstructionWatch",
    "DEFAULT_MODEL",
    "Lighting",
    "Reference",
    "ReferenceStore",
    "WHOLE_FRAME_ZONE",
    "construction_factory",
]
