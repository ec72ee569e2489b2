"""The schemas: package data of vdbo, their one home for the library and the workflow.

``config.schema.yaml`` carries every config key's default, limits and documentation
(the workflow's ``validate()`` and :mod:`vdbo.core.schema` read it);
``{songs,listeners,segments}.schema.yaml`` are the metadata files' JSON schemas
(:mod:`vdbo.core.metadata`). Installed with the package (``pip install .``), so the
library works outside the repository.
"""

from pathlib import Path

SCHEMAS_DIR = Path(__file__).resolve().parent
CONFIG_SCHEMA = SCHEMAS_DIR / "config.schema.yaml"


def metadata_schema(kind: str) -> Path:
    """The JSON schema file of a metadata file: ``songs``, ``listeners`` or
    ``segments``."""
    return SCHEMAS_DIR / f"{kind}.schema.yaml"
