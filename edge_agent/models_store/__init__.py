"""Getting a stronger model onto a box: the reviewed catalogue, a checked download, an offline install.

Example:
    >>> load_catalogue().entry("yolox_nano").kind.value
    'yolox'
"""

from edge_agent.models_store.catalogue import CATALOGUE, Catalogue, CatalogueEntry, load_catalogue
from edge_agent.models_store.fetch import Fetched, fetch_model
from edge_agent.models_store.files import config_model_path, provenance_path, sha256_of
from edge_agent.models_store.install import Installed, inspect_model, install_model

__all__ = [
    "CATALOGUE",
    "Catalogue",
    "CatalogueEntry",
    "Fetched",
    "Installed",
    "config_model_path",
    "fetch_model",
    "inspect_model",
    "install_model",
    "load_catalogue",
    "provenance_path",
    "sha256_of",
]
