"""``edge-agent eval counts`` on real footage (vtest.avi) against the committed hand counts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from edge_agent.cli.main import app
from edge_agent.errors import ConfigError, SourceError
from edge_agent.evaluate.counts import frames_at, load_labels

LABELS = "models/eval/vtest_counts.csv"


def test_committed_labels_cover_the_clip_in_two_halves(repo_root):
    labels = load_labels(repo_root / LABELS)
    assert len(labels) >= 12
    assert {lb.split for lb in labels} == {"tune", "report"}
    report = [lb for lb in labels if lb.split == "report"]
    assert len(report) >= 6 and labels[-1].t_s - labels[0].t_s > 70  # spread over the 79.5 s


def test_counts_table_and_json_on_the_report_half(repo_root, shared_data, vtest, tmp_path):
    out = tmp_path / "counts.json"
    args = [
        "eval", "counts", str(vtest), "--labels", str(repo_root / LABELS), "--split", "report",
        "--model", str(repo_root / "models/ssdlite_mobilenet_v2_person.onnx"),
        "--model", str(shared_data / "models/yolox_nano.onnx"),
        "--slicing", "off,auto", "--json", str(out),
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "MAE" in result.output and "yolox_nano" in result.output
    doc = json.loads(out.read_text())
    frames = doc["frames"]
    assert {f["split"] for f in frames} == {"report"}
    assert all(f["error"] == f["found"] - f["truth"] for f in frames)
    assert {s["split"] for s in doc["summaries"]} == {"report"}
    summary = {(s["model"], s["setting"]): s for s in doc["summaries"]}
    for (model, setting), s in summary.items():
        mine = [f for f in frames if (f["model"], f["setting"]) == (model, setting)]
        assert s["mae"] == pytest.approx(sum(abs(f["error"]) for f in mine) / len(mine))
    ssd_off = summary[("ssdlite_mobilenet_v2_person", "off")]
    ssd_auto = summary[("ssdlite_mobilenet_v2_person", "auto")]
    # the small shipped model misses people on the plaza; auto slicing tiles and finds more
    assert ssd_off["bias"] < 0 and ssd_auto["mae"] < ssd_off["mae"]
    assert {f["chose"] for f in frames if f["setting"] == "auto" and "ssd" in f["model"]} == {
        "tiles 320"
    }
    assert summary[("yolox_nano", "off")]["mae"] <= 1.5  # the stronger model, near the hand count


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("t_s,count\n1,2\n", "missing ['split']"),
        ("t_s,count,split\nx,2,tune\n", "line 2 t_s"),
        ("t_s,count,split\n1,-2,tune\n", "line 2 count"),
        ("t_s,count,split\n1,2,\n", "line 2 split"),
        ("t_s,count,split\n", "no labelled frames"),
    ],
)
def test_bad_labels_name_the_line_and_column(tmp_path, text, where):
    path = tmp_path / "labels.csv"
    path.write_text(text)
    with pytest.raises(ConfigError, match=where.replace("[", r"\[").replace("]", r"\]")):
        load_labels(path)


def test_a_time_past_the_end_of_the_video(vtest):
    with pytest.raises(SourceError, match="no frame within one frame interval"):
        frames_at(vtest, [200.0])


def test_bad_slicing_list(repo_root, vtest):
    args = ["eval", "counts", str(vtest), "--labels", str(repo_root / LABELS), "--slicing", "x"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "comma list of off, on, auto" in result.output


def test_every_eval_command_and_parameter_has_help():
    import typer

    group = typer.main.get_command(app).commands["eval"]
    assert sorted(group.commands) == ["counts", "scenario"]
    for name, command in group.commands.items():
        assert command.help, name
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name}"
