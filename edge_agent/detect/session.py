"""One onnxruntime session per model, shared by every camera of the box.

onnxruntime is imported here and nowhere else in the detection layer, so the adapters stay pure
functions of numpy arrays (and testable without a model file).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort

from edge_agent.errors import ModelError

__all__ = [
    "TensorSpec",
    "ModelSpec",
    "SharedSession",
    "choose_providers",
    "open_session",
]

log = logging.getLogger(__name__)

CPU = "CPUExecutionProvider"


@dataclass(frozen=True)
class TensorSpec:
    """Name, shape and element type of one model input or output.

    A dimension is an ``int`` when fixed, ``None`` when dynamic (named or unknown).
    """

    name: str
    shape: tuple[int | None, ...]
    dtype: str

    @property
    def rank(self) -> int:
        return len(self.shape)

    def describe(self) -> str:
        dims = ", ".join("?" if d is None else str(d) for d in self.shape)
        return f"{self.name} {self.dtype}[{dims}]"


@dataclass(frozen=True)
class ModelSpec:
    """What a model takes and gives; adapters check it before the first frame."""

    path: str
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]

    def describe(self) -> str:
        ins = "; ".join(t.describe() for t in self.inputs)
        outs = "; ".join(t.describe() for t in self.outputs)
        return f"inputs: {ins} | outputs: {outs}"


def _spec(arg: ort.NodeArg) -> TensorSpec:
    shape = tuple(d if isinstance(d, int) and d > 0 else None for d in (arg.shape or ()))
    dtype = arg.type.removeprefix("tensor(").removesuffix(")")
    return TensorSpec(arg.name, shape, dtype)


def choose_providers(asked: Sequence[str], available: Sequence[str]) -> tuple[list[str], list[str]]:
    """The providers to use, in the asked order, and those asked for but not installed.

    CPU is always appended last, so a box without its accelerator still runs.

    Example:
        >>> choose_providers(["CUDAExecutionProvider", "CPUExecutionProvider"],
        ...                  ["CPUExecutionProvider"])
        (['CPUExecutionProvider'], ['CUDAExecutionProvider'])
    """
    use = [p for p in dict.fromkeys(asked) if p in available]
    missing = [p for p in dict.fromkeys(asked) if p not in available]
    if CPU not in use:
        use.append(CPU)
    return use, missing


class SharedSession:
    """An ``InferenceSession`` shared by every camera, at most ``concurrent`` runs at a time.

    onnxruntime runs are thread-safe; the bound keeps N camera threads from each asking for
    ``threads`` cores at once. One (the default) suits a small box: cameras take turns and the
    intra-op threads do the work. A box with many cores runs ``analysis_threads`` at once, each
    with a few intra-op threads.
    """

    def __init__(self, session: ort.InferenceSession, path: str, concurrent: int = 1) -> None:
        if concurrent < 1:
            raise ValueError(f"concurrent runs must be >= 1; got {concurrent}")
        self._session = session
        self._lock = threading.BoundedSemaphore(concurrent)
        self.spec = ModelSpec(
            path,
            tuple(_spec(a) for a in session.get_inputs()),
            tuple(_spec(a) for a in session.get_outputs()),
        )

    @property
    def providers(self) -> list[str]:
        return list(self._session.get_providers())

    def run(self, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        """All outputs, in the model's output order. Thread-safe."""
        with self._lock:
            try:
                return self._session.run(None, feeds)
            except Exception as err:  # onnxruntime raises its own untyped errors
                raise ModelError(f"{self.spec.path}: inference failed: {err}") from err


def open_session(
    path: Path, providers: Sequence[str], threads: int, concurrent: int = 1
) -> SharedSession:
    """Load an ONNX file; a missing or broken file is a :class:`ModelError` naming the path."""
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    use, missing = choose_providers(providers, ort.get_available_providers())
    for name in missing:
        log.warning("execution provider %s is not installed; using %s", name, use)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle pool threads busy-wait for the next op by default: with 2 threads that burnt ~62 ms of
    # CPU per SSD frame against ~21 ms with 1 (scripts/bench_rtsp.py, 2-core box), CPU the
    # camera threads need. Without spinning a woken thread costs a little latency, no cores.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3
    try:
        session = _create(path, options, use)
    except Exception as err:  # InvalidProtobuf, Fail, NoSuchFile...: all mean "not a usable model"
        raise ModelError(f"{path}: not a loadable ONNX model: {err}") from err
    return SharedSession(session, str(path), concurrent)


def _create(path: Path, options: ort.SessionOptions, use: list[str]) -> ort.InferenceSession:
    """Create the session; an installed accelerator that fails to start falls back to the CPU."""
    try:
        return ort.InferenceSession(str(path), sess_options=options, providers=use)
    except Exception as err:
        if use == [CPU]:
            raise
        log.warning("providers %s failed (%s); falling back to %s", use, err, CPU)
        return ort.InferenceSession(str(path), sess_options=options, providers=[CPU])
