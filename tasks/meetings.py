"""Tasks of the quarterly meeting cycle."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.db import UnitOfWork
from clm.services.common import region_config
from clm.services.meetings import month_table, prepare_month


@task(name="plan-and-request", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def plan_and_request(month: date, as_of: date, provider_code: str | None) -> dict:
    """Plan the month's meetings and put each data request with agenda and invite in the outbox."""
    return asdict(prepare_month(UnitOfWork(), region_config(), month, as_of, provider_code))


@task(name="load-month", cache_policy=NO_CACHE)
def load_month(month: date) -> list[dict]:
    """The planned meetings of the month, as shown in the artifact."""
    return month_table(UnitOfWork(), region_config(), month)
