"""The deadline sweep as one task: every kind of term in one pass."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.services.common import region_config
from clm.services.deadline_sweep import sweep_deadlines
from clm.storage.db import UnitOfWork


@task(name="sweep-deadlines", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def deadlines(as_of: date) -> dict[str, int]:
    """Reminders before and after every open term (data, minutes, reaction week, actions,
    escalation terms, applications), signals for those passed; each once."""
    return sweep_deadlines(UnitOfWork(), region_config(), as_of)
