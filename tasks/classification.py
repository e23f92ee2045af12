"""Tasks of the yearly classification."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.services.classification import (
    ReferencePeriod,
    compute_classification,
    override_category,
    store_classification,
)
from clm.services.common import region_config
from clm.services.views import classification_table
from clm.storage.db import UnitOfWork


@task(name="compute-classification", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def compute(
    year: int, period: ReferencePeriod, provider_codes: list[str] | None = None
) -> pd.DataFrame:
    """Factual figures from the declarations, judged scores, score and category per provider
    (every active one, or those of ``provider_codes``)."""
    return compute_classification(UnitOfWork(), region_config(), year, period, provider_codes)


@task(name="store-classification", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def store(
    year: int,
    period: ReferencePeriod,
    result: pd.DataFrame,
    as_of: date,
    actor: str = "yearly-classification",
) -> dict:
    """Write changed classifications with their letters and dossier events in one commit."""
    summary = store_classification(
        UnitOfWork(), region_config(), year, period, result, as_of, actor
    )
    return asdict(summary)


@task(name="load-classification", cache_policy=NO_CACHE)
def load_table(year: int) -> pd.DataFrame:
    """The stored classification of the year, as shown in the artifacts."""
    return classification_table(UnitOfWork(), region_config(), year)


@task(name="override-category", cache_policy=NO_CACHE)
def override(
    provider_code: str, year: int, category: int, reason: str, decided_by: str, as_of: date
) -> bool:
    """Record a contract manager's category with the reason; the letter goes via the outbox."""
    return override_category(
        UnitOfWork(), region_config(), provider_code, year, category, reason, decided_by, as_of
    )
