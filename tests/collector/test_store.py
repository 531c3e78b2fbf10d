"""open_store: WAL, named migrations applied once, clean errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.errors import StoreError
from collector.migrations import MIGRATIONS, load_all
from collector.store import open_store


def test_wal_and_migrations_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "c.sqlite"
    db = open_store(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    first = [m.name for m in MIGRATIONS.applied(db)]
    assert first[:2] == ["tickets_0001_core", "tickets_0002_event_filed_at"]
    assert first == [m.name for m in load_all()._migrations]
    again = open_store(path)
    assert [m.name for m in MIGRATIONS.applied(again)] == first
    assert MIGRATIONS.pending(again) == []
    assert {"tickets", "ticket_audit", "ticket_events", "notifications"} <= set(again.table_names())


def test_unusable_path_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(StoreError, match="dir.sqlite"):
        open_store(tmp_path / "dir.sqlite")
