"""FastAPI dependencies: a store connection per request, and the API-key check by scope.

Both read the :class:`~collector.api.app.ApiSettings` kept in ``app.state.settings``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Annotated

import sqlite_utils
from fastapi import Depends, Header, Query, Request

from collector.api.keys import ApiKey, check_key

__all__ = ["connect", "get_db", "Db", "require"]


def connect(path: str) -> sqlite_utils.Database:
    """A connection to an already migrated store (usable from the request's worker thread)."""
    db = sqlite_utils.Database(sqlite3.connect(path, check_same_thread=False))
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    return db


def get_db(request: Request) -> Iterator[sqlite_utils.Database]:
    db = connect(request.app.state.settings.db)
    try:
        yield db
    finally:
        db.close()


Db = Annotated[sqlite_utils.Database, Depends(get_db)]


def require(need: str) -> Callable[..., ApiKey | None]:
    """A dependency checking the presented key grants ``need`` (``read`` or ``write``)."""

    def dep(
        request: Request,
        db: Db,
        api_key: Annotated[str | None, Query(description="API key (GeoReport).")] = None,
        x_api_key: Annotated[str | None, Header(description="API key (header form).")] = None,
    ) -> ApiKey | None:
        if need == "read" and request.app.state.settings.public_reads:
            return None
        return check_key(db, api_key or x_api_key, need)

    return dep
