"""Construction watch: new small structures that persist in a zone (illegal construction).

The watch itself lives in :mod:`edge_agent.construction`; this is the plug-in.
"""

from edge_agent.analytics.construction_watch.runner import (
    ANALYTIC,
    ConstructionRunner,
    construction_factory,
)

__all__ = ["ANALYTIC", "ConstructionRunner", "construction_factory"]
