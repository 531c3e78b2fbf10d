"""The duty chief's web console (Chinese first), mounted on the collector's FastAPI app under
``/console/``: queue, tickets, grid map, cameras and boxes, statistics, administration.

Server-rendered Jinja2 templates (autoescaped), one small hand-written script for the live queue
(server-sent events), no build step and nothing loaded from the network.
:func:`create_console_app` builds the Open311 app with the console mounted (what ``collector
serve`` runs); :func:`install_console` adds it to an app built by
:func:`collector.api.app.create_app`.
"""

from collector.console.app import create_console_app, install_console

__all__ = ["create_console_app", "install_console"]
