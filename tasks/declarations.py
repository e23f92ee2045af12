"""Tasks of the declaration import."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.services.common import region_config
from clm.services.declarations import import_declarations
from clm.storage.db import UnitOfWork


@task(name="import-declaration-file", cache_policy=NO_CACHE)
def import_declaration_file(path: Path, as_of: date) -> dict[str, object]:
    """Validate the whole file and replace its periods' rows in one transaction."""
    return asdict(import_declarations(UnitOfWork(), region_config(), path, as_of))
