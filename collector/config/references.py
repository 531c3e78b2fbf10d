"""Cross-references between the center's files, checked once they each validate: every unit,
category and incident kind named somewhere is defined once and exists (pure)."""

from __future__ import annotations

from collector.config.models import CenterConfig

__all__ = ["reference_problems"]


def _dupes(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({x for x in items if x in seen or seen.add(x)})  # type: ignore[func-returns-value]


def reference_problems(cfg: CenterConfig) -> list[tuple[str, object, str]]:
    """Cross-references between the files: ``(key_path, value, reason)`` per problem."""
    unit_ids = [u.id for u in cfg.units]
    codes = [c.code for c in cfg.categories]
    known = set(unit_ids)
    problems: list[tuple[str, object, str]] = [
        ("units", u, "unit defined twice") for u in _dupes(unit_ids)
    ]
    problems += [("categories", c, "category defined twice") for c in _dupes(codes)]
    for i, cat in enumerate(cfg.categories):
        for key in ("default_units", "critical_units"):
            problems += [
                (f"categories[{i}].{key}", u, "unknown unit")
                for u in getattr(cat, key)
                if u not in known
            ]
    for i, rule in enumerate(cfg.routing):
        problems += [
            (f"routing[{i}].units", u, "unknown unit") for u in rule.units if u not in known
        ]
        problems += [
            (f"routing[{i}].categories", c, "unknown category")
            for c in rule.categories
            if c not in codes
        ]
    for code, cell in cfg.cells.items():
        units = [cell.station, *(x for us in cell.units.values() for x in us)]
        problems += [(f"cells.{code}", u, "unknown unit") for u in units if u not in known]
        problems += [
            (f"cells.{code}.units", c, "unknown category") for c in cell.units if c not in codes
        ]
    if cfg.policy.devices.category is not None and cfg.policy.devices.category not in codes:
        problems.append(
            ("policy.devices.category", cfg.policy.devices.category, "unknown category")
        )
    stop_work = cfg.policy.patrol.stop_work_category
    if stop_work is not None and stop_work not in codes:
        problems.append(("policy.patrol.stop_work_category", stop_work, "unknown category"))
    kinds = [k for cat in cfg.categories for k in cat.incident_kinds]
    problems += [("categories", k, "incident kind in two categories") for k in _dupes(kinds)]
    return problems
