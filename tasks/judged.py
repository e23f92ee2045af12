"""Tasks that store the contract managers' judged scores."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.services.common import region_config
from clm.services.judged import JudgedInput, import_judged_scores, record_judged_scores
from clm.storage.db import UnitOfWork


@task(name="record-judged-scores", cache_policy=NO_CACHE)
def record_scores(item: JudgedInput, year: int, entered_by: str, as_of: date) -> int:
    """Store one provider's judged scores; returns 1 if anything changed."""
    return record_judged_scores(UnitOfWork(), region_config(), [item], year, entered_by, as_of)


@task(name="import-judged-sheet", cache_policy=NO_CACHE)
def import_sheet(path: Path, year: int, entered_by: str, as_of: date) -> tuple[int, int]:
    """Validate a sheet of judged scores and store it; returns (rows, changed)."""
    return import_judged_scores(UnitOfWork(), region_config(), path, year, entered_by, as_of)
