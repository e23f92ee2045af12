"""Tasks of group contract management."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.services import group_meetings as service
from clm.services.common import region_config
from clm.storage.db import UnitOfWork


@task(name="propose-group-topic", cache_policy=NO_CACHE)
def propose(proposer: str, text: str, explanation: str, care_type: str, as_of: date) -> dict:
    """Add a topic to the next group meeting (the same topic twice is kept once)."""
    key, new = service.propose_topic(
        UnitOfWork(), region_config(), proposer, text, explanation, as_of, care_type
    )
    return {"meeting": key, "new": new}


@task(name="open-group-meeting", cache_policy=NO_CACHE)
def open_next(as_of: date, care_type: str) -> str | None:
    """Open the next group meeting once its preparation window has started."""
    return service.open_next(UnitOfWork(), region_config(), as_of, care_type)


@task(name="group-candidates", cache_policy=NO_CACHE)
def load_candidates(key: str) -> list[dict]:
    """Proposed topics and the period's signals, to choose the agenda from."""
    return [{"ref": c.ref, **asdict(c)} for c in service.candidates(UnitOfWork(), key)]


@task(name="set-group-agenda", cache_policy=NO_CACHE)
def set_agenda(
    key: str, chosen: list[str], region_topics: list[str], decided_by: str, as_of: date
) -> int:
    """Fix the agenda and invite every provider of the lot (.ics)."""
    return service.set_agenda(
        UnitOfWork(), region_config(), key, chosen, region_topics, decided_by, as_of
    )


@task(name="record-group-report", cache_policy=NO_CACHE)
def record_report(
    key: str,
    attendees: list[str],
    notes: list[str],
    actions: list[service.GroupAction],
    framework_change: str,
    recorded_by: str,
    as_of: date,
) -> int:
    """Store the report with its actions and send it to the providers."""
    return service.record_report(
        UnitOfWork(),
        region_config(),
        key,
        attendees,
        notes,
        actions,
        framework_change,
        recorded_by,
        as_of,
    )
