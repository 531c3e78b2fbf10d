"""Named schema migrations of the collector's SQLite store, applied once each, in order.

Built on ``sqlite_utils.migrations.Migrations`` (sqlite-utils >= 4): applied migrations are recorded
in the ``_sqlite_migrations`` table (set name, migration name, applied_at). Every collector module
that owns tables registers its migrations here, and :func:`collector.store.open_store` applies them.

Register a migration with the decorator (the function receives the ``sqlite_utils.Database``)::

    from collector.migrations import migration

    @migration("ingest_0001_incidents")
    def _incidents(db):
        db["incidents"].create({"event_id": str, ...}, pk="event_id")

and add the module that holds it to :data:`MIGRATION_MODULES` (one line), so ``open_store``
imports it before applying. Migrations run in registration order: modules in the order of
``MIGRATION_MODULES``, functions in the order they are defined. Never rename or edit an
applied migration; add a new one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import sqlite_utils
from sqlite_utils.migrations import Migrations

__all__ = ["MIGRATIONS", "MIGRATION_MODULES", "migration", "register_migration", "load_all"]

MIGRATIONS = Migrations("gridwatch-collector")
"""The single migration set of the collector."""

MIGRATION_MODULES: list[str] = [
    "collector.tickets.schema",
    "collector.api.schema",
    "collector.open311.schema",
    "collector.feed.schema",
    "collector.ingest.schema",
    "collector.accounts.schema",
    "collector.deadletters.schema",
    "collector.devices.schema",
    "collector.patrol.schema",
]
"""Modules imported by :func:`load_all` before migrating; each registers migrations on import."""

MigrationFn = Callable[[sqlite_utils.Database], None]


def migration(name: str) -> Callable[[MigrationFn], MigrationFn]:
    """Decorator: register ``fn`` under ``name`` (unique across the collector)."""
    return MIGRATIONS(name=name)


def register_migration(name: str, fn: MigrationFn) -> MigrationFn:
    """Register ``fn`` under ``name``; the same as the :func:`migration` decorator."""
    return MIGRATIONS(name=name)(fn)


def load_all() -> Migrations:
    """Import every module in :data:`MIGRATION_MODULES` and return the migration set."""
    for module in MIGRATION_MODULES:
        importlib.import_module(module)
    # Registration follows import order, which any importer may change (a doctest run imports
    # collector.api.schema before collector.tickets.schema): apply in MIGRATION_MODULES order.
    rank = {name: i for i, name in enumerate(MIGRATION_MODULES)}
    MIGRATIONS._migrations.sort(key=lambda m: rank.get(m.fn.__module__, len(rank)))
    return MIGRATIONS
