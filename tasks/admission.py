"""Tasks of the admission of providers joining mid-term."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.db import UnitOfWork
from clm.services import admission as service
from clm.services.common import region_config


@task(name="register-application", cache_policy=NO_CACHE)
def register(application: service.Application, as_of: date) -> str:
    """Register the applicant, its checklist, judged scores and assessment deadline."""
    return service.register_application(UnitOfWork(), region_config(), application, as_of)


@task(name="decide-admission", cache_policy=NO_CACHE)
def decide(
    code: str, admitted: bool, remark: str, decided_by: str, as_of: date
) -> dict[str, object]:
    """Record the outcome; admitted: classify at once and plan from the next meeting month."""
    return service.decide(UnitOfWork(), region_config(), code, admitted, remark, decided_by, as_of)
