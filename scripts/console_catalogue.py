#!/usr/bin/env python3
"""Add the console's new msgids to the zh-CN catalogue (keeping every translation), or with
``--check`` list the msgids that have no translation yet (exit 1 when there is one).

    python scripts/console_catalogue.py            # update collector/console/locale/zh_CN/...
    python scripts/console_catalogue.py --check
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from collector.console.i18n import DOMAIN, LOCALE_DIR
from collector.console.messages import config_msgids, source_msgids
from collector.grid import read_center

REPO = Path(__file__).resolve().parents[1]
PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list untranslated msgids")
    opts = parser.parse_args()
    with PO.open("rb") as f:
        old = read_po(f, locale="zh_CN")
    center, _, _ = read_center(REPO / "configs" / "grid" / "cells.geojson")
    wanted = dict(source_msgids())
    wanted.update({m: "configs/grid" for m in sorted(config_msgids(center))})
    missing = [m for m in wanted if not (old.get(m) and old.get(m).string)]
    if opts.check:
        for m in missing:
            print(f"untranslated: {m!r} ({wanted[m]})")
        return 1 if missing else 0
    new = Catalog(locale="zh_CN", domain=DOMAIN, project="gridwatch console")
    for msgid, where in wanted.items():
        kept = old.get(msgid)
        new.add(msgid, kept.string if kept else "", locations=[(where.split(":")[0], None)])
    with PO.open("wb") as f:
        write_po(f, new, omit_header=False, sort_output=False, width=100)
    print(f"{PO}: {len(wanted)} msgids, {len(missing)} without translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
