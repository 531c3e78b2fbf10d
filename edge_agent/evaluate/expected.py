"""Expected crowd incidents of a recording (an operator's labels), matched against raised ones.

CSV with a header: ``zone,level,start_s,end_s`` — the zone id (``*``: any), the least level the
incident should reach and the stream seconds during which it should be open. A raised episode
matches an expected incident when it overlaps that interval and reaches that level; each
expected incident is matched at most once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from edge_agent.contract.incident import Level
from edge_agent.errors import ConfigError

__all__ = ["Episode", "ExpectedIncident", "load_expected", "match_episodes"]

COLUMNS = ("zone", "level", "start_s", "end_s")


@dataclass
class Episode:
    """One raised incident: opened at ``start_s``, cleared at ``end_s`` (None: still open)."""

    start_s: float
    end_s: float | None
    level: Level  # the highest it reached


@dataclass(frozen=True)
class ExpectedIncident:
    zone: str
    level: Level
    start_s: float
    end_s: float


def load_expected(path: Path) -> list[ExpectedIncident]:
    """Read the labels; every bad row names the file, line, column and value."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ConfigError(str(path), [("header", reader.fieldnames, f"missing {missing}")])
            return [_row(path, n, row) for n, row in enumerate(reader, start=2)]
    except OSError as err:
        raise ConfigError(str(path), [("", str(path), f"cannot read: {err.strerror}")]) from None


def _row(path: Path, line: int, row: dict[str, str]) -> ExpectedIncident:
    where = f"line {line}"
    try:
        level = Level(row["level"].strip())
    except ValueError:
        levels = ", ".join(lv.value for lv in Level)
        raise ConfigError(
            str(path), [(f"{where} level", row["level"], f"one of {levels}")]
        ) from None
    times = []
    for col in ("start_s", "end_s"):
        try:
            times.append(float(row[col]))
        except (TypeError, ValueError):
            raise ConfigError(str(path), [(f"{where} {col}", row[col], "not a number")]) from None
    if times[1] < times[0]:
        raise ConfigError(str(path), [(f"{where} end_s", times[1], "before start_s")])
    return ExpectedIncident(row["zone"].strip() or "*", level, times[0], times[1])


def match_episodes(
    episodes: list[Episode], expected: list[ExpectedIncident]
) -> tuple[float | None, float | None]:
    """(precision, recall); None where there is nothing to divide by."""
    used: set[int] = set()
    matched = 0
    for ep in episodes:
        end = float("inf") if ep.end_s is None else ep.end_s
        for i, exp in enumerate(expected):
            fits = (
                ep.level.rank >= exp.level.rank and ep.start_s <= exp.end_s and end >= exp.start_s
            )
            if i not in used and fits:
                used.add(i)
                matched += 1
                break
    precision = matched / len(episodes) if episodes else None
    recall = len(used) / len(expected) if expected else None
    return precision, recall
