"""Build the structural change comparator as an ONNX graph: ``models/change_structural.onnx``.

The graph compares two grayscale images of the same view and returns a change map in ``[0, 1]``:

1. ``L = log(I/255 + eps)``: a gain (exposure, white balance) becomes an additive constant, so it
   vanishes from the gradients; a gamma change only scales them.
2. Gaussian blur (sigma about 1 px) against sensor noise, then Sobel gradients ``g = (gx, gy)``.
3. Over a ``window`` x ``window`` box:
   ``S = (2 sum(g_r . g_o) + C) / (sum|g_r|^2 + sum|g_o|^2 + C)``,
   the product of the SSIM contrast and structure terms on gradient vectors. ``S`` is 1 where both
   views hold the same edges (or are both flat), low where an edge appeared, vanished or turned.
4. ``change = clip(1 - S, 0, 1)``.

Inputs ``reference`` and ``observation`` are float32 ``[N, 1, H, W]`` in 0..255 (N, H, W dynamic);
output ``change`` has the same shape. Needs the ``onnx`` package (test extra), not the agent.

Usage::

    .venv/bin/python scripts/build_change_model.py            # writes models/change_structural.onnx
    .venv/bin/python scripts/build_change_model.py --window 7 --c 0.002 --out /tmp/m.onnx
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "models" / "change_structural.onnx"


def _gaussian(sigma: float) -> np.ndarray:
    r = max(1, int(round(2.5 * sigma)))
    x = np.arange(-r, r + 1, dtype=np.float64)
    k = np.exp(-(x**2) / (2 * sigma**2))
    k2 = np.outer(k, k)
    return (k2 / k2.sum()).astype(np.float32)


def _const(name: str, value: np.ndarray | float) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value, dtype=np.float32), name)


def _gradient_nodes(prefix: str, src: str, blur_pad: int) -> list[onnx.NodeProto]:
    """log -> blur -> Sobel: output ``{prefix}_g`` of shape [N, 2, H, W]."""
    return [
        helper.make_node("Mul", [src, "inv255"], [f"{prefix}_n"]),
        helper.make_node("Add", [f"{prefix}_n", "eps"], [f"{prefix}_ne"]),
        helper.make_node("Log", [f"{prefix}_ne"], [f"{prefix}_log"]),
        helper.make_node("Conv", [f"{prefix}_log", "blur_w"], [f"{prefix}_b"], pads=[blur_pad] * 4),
        helper.make_node("Conv", [f"{prefix}_b", "sobel_w"], [f"{prefix}_g"], pads=[1, 1, 1, 1]),
    ]


def build(
    window: int = 7, c: float = 0.002, eps: float = 0.03, sigma: float = 1.0
) -> onnx.ModelProto:
    """The comparator graph with the given window (odd), stabiliser C, log offset and blur sigma."""
    if window < 3 or window % 2 == 0:
        raise ValueError(f"window must be odd and >= 3; got {window}")
    blur = _gaussian(sigma)
    br = blur.shape[0] // 2
    sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32) / 8.0
    sobel = np.stack([sobel_x, sobel_x.T])[:, None]  # [2, 1, 3, 3]
    inits = [
        _const("inv255", 1.0 / 255.0),
        _const("eps", eps),
        _const("blur_w", blur[None, None]),
        _const("sobel_w", sobel),
        _const("two", 2.0),
        _const("one", 1.0),
        _const("zero", 0.0),
        _const("c", c),
        numpy_helper.from_array(np.array([1], np.int64), "axis1"),
    ]
    nodes = _gradient_nodes("r", "reference", br) + _gradient_nodes("o", "observation", br)
    h = window // 2
    pool = {"kernel_shape": [window, window], "pads": [h, h, h, h], "count_include_pad": 0}
    nodes += [
        helper.make_node("Mul", ["r_g", "o_g"], ["ro"]),
        helper.make_node("Mul", ["r_g", "r_g"], ["rr"]),
        helper.make_node("Mul", ["o_g", "o_g"], ["oo"]),
        helper.make_node("ReduceSum", ["ro", "axis1"], ["dot"], keepdims=1),
        helper.make_node("Add", ["rr", "oo"], ["energy2"]),
        helper.make_node("ReduceSum", ["energy2", "axis1"], ["energy"], keepdims=1),
        helper.make_node("AveragePool", ["dot"], ["dot_w"], **pool),
        helper.make_node("AveragePool", ["energy"], ["energy_w"], **pool),
        helper.make_node("Mul", ["dot_w", "two"], ["dot2"]),
        helper.make_node("Add", ["dot2", "c"], ["num"]),
        helper.make_node("Add", ["energy_w", "c"], ["den"]),
        helper.make_node("Div", ["num", "den"], ["sim"]),
        helper.make_node("Sub", ["one", "sim"], ["dis"]),
        helper.make_node("Clip", ["dis", "zero", "one"], ["change"]),
    ]
    shape = ["N", 1, "H", "W"]
    graph = helper.make_graph(
        nodes,
        "change_structural",
        [
            helper.make_tensor_value_info("reference", TensorProto.FLOAT, shape),
            helper.make_tensor_value_info("observation", TensorProto.FLOAT, shape),
        ],
        [helper.make_tensor_value_info("change", TensorProto.FLOAT, shape)],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    model.producer_name = "gridwatch scripts/build_change_model.py"
    meta = {"window": window, "c": c, "eps": eps, "sigma": sigma}
    for k, v in meta.items():
        model.metadata_props.append(onnx.StringStringEntryProto(key=k, value=str(v)))
    onnx.checker.check_model(model)
    return model


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="ONNX file to write.")
    p.add_argument("--window", type=int, default=7, help="Odd box window of the similarity (px).")
    p.add_argument("--c", type=float, default=0.002, help="Stabiliser C in flat regions.")
    p.add_argument("--eps", type=float, default=0.03, help="Offset in log(I/255 + eps).")
    p.add_argument("--sigma", type=float, default=1.0, help="Gaussian blur sigma before Sobel.")
    a = p.parse_args()
    model = build(a.window, a.c, a.eps, a.sigma)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(a.out))
    print(f"wrote {a.out} ({a.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
