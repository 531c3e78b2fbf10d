"""Grid map import: every problem is reported with the feature and the reason; nothing is stored
unless everything is valid."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from collector.errors import ConfigError, GridError
from collector.grid import import_center, load_center, read_center
from collector.store import open_store
from tests.collector.builders import GRID

Doc = dict[str, Any]


@pytest.fixture()
def center_dir(tmp_path: Path) -> Path:
    out = tmp_path / "grid"
    shutil.copytree(GRID.parent, out)
    return out


def _feature(doc: Doc, code: str) -> Doc:
    return next(f for f in doc["features"] if f["properties"]["code"] == code)


def _open_ring(doc: Doc) -> None:
    _feature(doc, "330421101001003")["geometry"]["coordinates"][0].pop()


def _duplicate(doc: Doc) -> None:
    _feature(doc, "330421101001004")["properties"]["code"] = "330421101001003"


def _overlap(doc: Doc) -> None:
    f = copy.deepcopy(_feature(doc, "330421101001001"))
    f["properties"]["code"] = "330421101001099"
    ring = f["geometry"]["coordinates"][0]
    f["geometry"]["coordinates"][0] = [[x + 0.001, y] for x, y in ring]
    doc["features"].append(f)


def _hole(doc: Doc) -> None:
    geom = _feature(doc, "330421101002001")["geometry"]
    geom["coordinates"].append(geom["coordinates"][0])


def _bad_code(doc: Doc) -> None:
    _feature(doc, "330421101003006")["properties"]["code"] = "3304211010030"


def _multipolygon(doc: Doc) -> None:
    geom = _feature(doc, "330421101003005")["geometry"]
    geom["type"], geom["coordinates"] = "MultiPolygon", [geom["coordinates"]]


def _bowtie(doc: Doc) -> None:
    ring = _feature(doc, "330421101003004")["geometry"]["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]


@pytest.mark.parametrize(
    ("mutate", "feature", "reason"),
    [
        (_open_ring, "feature[2] (330421101001003)", "not closed"),
        (_duplicate, "feature[3] (330421101001003)", "code also used by feature[2]"),
        (_overlap, "cell 330421101001", "overlaps cell 330421101001"),
        (_hole, "feature[7] (330421101002001)", "exactly one ring"),
        (_bad_code, "feature[19] (3304211010030)", "15 digits"),
        (_multipolygon, "feature[18] (330421101003005)", "must be a Polygon"),
        (_bowtie, "feature[17] (330421101003004)", "crosses itself"),
    ],
)
def test_grid_problem_names_feature_and_reason(
    center_dir: Path, mutate: Callable[[Doc], None], feature: str, reason: str
) -> None:
    path = center_dir / "cells.geojson"
    doc = json.loads(path.read_text())
    mutate(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(GridError) as err:
        read_center(path)
    assert any(f.startswith(feature) and reason in r for f, r in err.value.problems), (
        err.value.problems
    )


def test_zone_in_unknown_cell(center_dir: Path) -> None:
    cams = yaml.safe_load((center_dir / "cameras.yaml").read_text())
    cams["cameras"][0]["zones"][0]["cell"] = "330421101009009"
    (center_dir / "cameras.yaml").write_text(yaml.safe_dump(cams))
    with pytest.raises(GridError) as err:
        read_center(center_dir / "cells.geojson")
    assert err.value.problems == [
        (
            "camera alley-01 zone lane-north",
            "lies in cell 330421101009009, which is not in the grid map",
        )
    ]


def test_every_problem_is_listed(center_dir: Path) -> None:
    path = center_dir / "cells.geojson"
    doc = json.loads(path.read_text())
    for mutate in (_open_ring, _duplicate, _hole):
        mutate(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(GridError) as err:
        read_center(path)
    assert len(err.value.problems) == 3


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        (
            "routing.yaml",
            lambda d: d["routing"][0]["units"].append("nobody"),
            "units = 'nobody': unknown unit",
        ),
        ("categories.yaml", lambda d: d["categories"][0].update(colour="red"), "unknown key"),
        (
            "units.yaml",
            lambda d: d["units"].append(d["units"][1]),
            "xitang-squad': unit defined twice",
        ),
        ("calendar.yaml", lambda d: d["calendar"].update(utc_offset="8"), "utc_offset"),
        ("policy.yaml", lambda d: d["policy"]["scoring"].update(closure=30), "add up to 100"),
    ],
)
def test_config_problem_names_file(
    center_dir: Path, file: str, edit: Callable[[Doc], None], message: str
) -> None:
    data = yaml.safe_load((center_dir / file).read_text())
    edit(data)
    (center_dir / file).write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as err:
        read_center(center_dir / "cells.geojson")
    assert file in str(err.value) and message in str(err.value)


def test_station_must_be_a_linkage_station(center_dir: Path) -> None:
    path = center_dir / "cells.geojson"
    doc = json.loads(path.read_text())
    _feature(doc, "330421101001001")["properties"]["station"] = "tourism-office"
    path.write_text(json.dumps(doc))
    with pytest.raises(GridError, match="not a linkage station"):
        read_center(path)


def test_example_imports_and_reads_back(tmp_path: Path) -> None:
    center, cells, geojson = read_center(GRID)
    db = open_store(tmp_path / "c.sqlite")
    report = import_center(db, center, geojson, str(GRID))
    assert (report.cells, report.stations, report.cameras) == (len(cells), 3, 3)
    back = load_center(open_store(tmp_path / "c.sqlite"))
    assert back == center
    zones = {(c.id, z.id): z.cell for c in back.cameras for z in c.zones}
    assert zones == {
        ("alley-01", "lane-north"): "330421101001001",
        ("bridge-01", "bridge-deck"): "330421101001002",
        ("build-01", "courtyard"): "330421101002005",
    }


def test_load_without_import_says_what_to_do() -> None:
    with pytest.raises(ConfigError, match="collector grid import"):
        load_center(open_store(":memory:"))


def test_a_wrong_grid_path_is_named_as_such(tmp_path: Path) -> None:
    missing = tmp_path / "elsewhere" / "cells.geojson"
    with pytest.raises(GridError, match="cannot read") as err:
        read_center(missing)
    assert str(missing) in str(err.value)
