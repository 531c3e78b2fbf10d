"""The ONNX structural comparator behind a small interface (one session, loaded once)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from edge_agent.errors import ModelError

__all__ = ["Comparator", "DEFAULT_MODEL"]

#: The comparator built by ``scripts/build_change_model.py``, relative to the project root.
DEFAULT_MODEL = "models/change_structural.onnx"


class Comparator:
    """Runs ``models/change_structural.onnx``: two grayscale views in, a ``[0, 1]`` change map out.

    Example:
        >>> import numpy as np
        >>> c = Comparator("models/change_structural.onnx")
        >>> a = np.zeros((32, 32), np.uint8); b = a.copy(); b[8:24, 8:24] = 200
        >>> float(c.compare(a, a).max()), bool(c.compare(a, b).max() > 0.5)
        (0.0, True)
    """

    def __init__(self, model_path: str | Path, threads: int = 1):
        import onnxruntime as ort  # imported here so pure modules do not pay for it

        path = Path(model_path)
        if not path.is_file():
            raise ModelError(f"comparator model not found: {path} (scripts/build_change_model.py)")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        try:
            self._session = ort.InferenceSession(
                str(path), opts, providers=["CPUExecutionProvider"]
            )
        except Exception as err:  # onnxruntime raises its own untyped errors
            raise ModelError(f"cannot load comparator {path}: {err}") from err
        names = [i.name for i in self._session.get_inputs()]
        if names != ["reference", "observation"]:
            raise ModelError(f"{path}: inputs must be reference, observation; got {names}")
        self.path = path

    def compare_many(self, pairs: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
        """Change maps of several same-sized ``(reference, observation)`` pairs in one run."""
        ref = np.stack([p[0] for p in pairs]).astype(np.float32)[:, None]
        obs = np.stack([p[1] for p in pairs]).astype(np.float32)[:, None]
        if ref.shape != obs.shape:
            raise ValueError(f"reference {ref.shape} and observation {obs.shape} differ in shape")
        out = self._session.run(["change"], {"reference": ref, "observation": obs})[0]
        return [m[0] for m in out]

    def compare(self, reference: np.ndarray, observation: np.ndarray) -> np.ndarray:
        """``float32 (h, w)`` change map of two grayscale ``(h, w)`` images (0..255)."""
        return self.compare_many([(reference, observation)])[0]
