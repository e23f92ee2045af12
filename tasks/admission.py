"""Tasks of the admission of providers joining mid-term."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.services import admission as service
from clm.services.common import region_config
from clm.storage.db import UnitOfWork


@task(name="register-application", cache_policy=NO_CACHE)
def register(application: service.Application, as_of: date) -> str:
    """Register the applicant, its checklist, judged scores and assessment deadline."""
    return service.register_application(UnitOfWork(), region_config(), application, as_of)


@task(name="decide-admission", cache_policy=NO_CACHE)
def decide(
    code: str, admitted: bool, remark: str, decided_by: str, as_of: date
) -> dict[str, object]:
    """Record the outcome and write the letter."""
    return service.decide(UnitOfWork(), region_config(), code, admitted, remark, decided_by, as_of)


@task(name="carry-judged-scores", cache_policy=NO_CACHE)
def carry_judged(code: str, year: int, decided_by: str, as_of: date) -> bool:
    """The admission's judged scores count for the next yearly classification too."""
    return service.carry_judged_scores(UnitOfWork(), region_config(), code, year, decided_by, as_of)


@task(name="plan-admitted-provider", cache_policy=NO_CACHE)
def plan(code: str, as_of: date) -> int:
    """The admitted provider's meeting in the next meeting month, when it is prepared."""
    return service.plan_admitted(UnitOfWork(), region_config(), code, as_of)
