"""The catalogue of models ``edge-agent models fetch`` knows: name, upstream URL, sha256, licence.

Kept in the repository (``catalogue.yaml`` beside this module) so every entry is reviewed: only
models whose hash the team checked against the upstream file are listed.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from edge_agent.config.models import ModelKind, Strict
from edge_agent.contract.errors import problems_from_validation
from edge_agent.contract.yamlfile import read_yaml
from edge_agent.errors import ConfigError, ModelError

__all__ = ["CATALOGUE", "CatalogueEntry", "Catalogue", "load_catalogue"]

CATALOGUE = Path(__file__).with_name("catalogue.yaml")


class CatalogueEntry(Strict):
    name: str = Field(..., pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$", description="What fetch takes.")
    url: str = Field(..., pattern=r"^https?://\S+$", description="Upstream file, pinned.")
    sha256: str = Field(..., pattern=r"^[0-9a-f]{64}$", description="Checked on the upstream file.")
    bytes: int = Field(..., gt=0, description="Size of the upstream file.")
    licence: str = Field(..., min_length=1, description="SPDX id of the model's licence.")
    licence_url: str | None = Field(None, description="Where the licence text is.")
    kind: ModelKind = Field(..., description="Adapter kind the graph fits.")
    input_size: tuple[int, int] = Field(..., description="Network input [width, height].")
    source: str = Field(..., min_length=1, description="Provenance in words.")

    @property
    def filename(self) -> str:
        return f"{self.name}.onnx"


class Catalogue(Strict):
    models: list[CatalogueEntry] = Field(..., min_length=1)

    def entry(self, name: str) -> CatalogueEntry:
        for e in self.models:
            if e.name == name:
                return e
        known = ", ".join(e.name for e in self.models)
        raise ModelError(f"no model {name!r} in the catalogue; known: {known}")


def load_catalogue(path: Path = CATALOGUE) -> Catalogue:
    """Read and validate a catalogue file (a :class:`ConfigError` names file, key and value)."""
    data = read_yaml(path)
    try:
        return Catalogue.model_validate(data)
    except ValidationError as err:
        raise ConfigError(str(path), problems_from_validation(err, data)) from None
