"""Tasks of the contract register: import, option decisions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.services import contracts as service
from clm.services.common import region_config
from clm.storage.db import UnitOfWork


@task(name="import-contract-register", cache_policy=NO_CACHE)
def import_register(
    path: Path, subcontracts: Path | None, entered_by: str, as_of: date
) -> service.ContractImport:
    """Check a register sheet (and its subcontracting) as a whole and store it."""
    return service.import_contracts(
        UnitOfWork(), region_config(), path, entered_by, as_of, subcontracts=subcontracts
    )


@task(name="decide-option-year", cache_policy=NO_CACHE)
def decide_option(
    code: str, lot: str, extend: bool, decided_by: str, remark: str, as_of: date
) -> service.OptionDecision:
    """Take up the next option year or not; the letter to the provider."""
    return service.decide_option_year(
        UnitOfWork(), region_config(), code, lot, extend, decided_by, remark, as_of
    )
