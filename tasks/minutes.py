"""Tasks of the minutes and the actions."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from clm.rules.minutes import MinutesDraft
from clm.services import actions
from clm.services import minutes as service
from clm.services.common import region_config
from clm.services.dossier_export import export_dossier
from clm.settings import get_settings
from clm.storage.db import UnitOfWork

MINUTES_FOLDER = "verslagen"  # subfolder of the intake folder for minutes sheets


@task(name="record-minutes", cache_policy=NO_CACHE)
def record(
    provider_code: str, month: date, draft: MinutesDraft, recorded_by: str, as_of: date
) -> str:
    """Validate and store the minutes as a draft (replacing an earlier draft)."""
    return service.record_minutes(
        UnitOfWork(), region_config(), provider_code, month, draft, recorded_by, as_of
    )


@task(name="release-minutes", cache_policy=NO_CACHE)
def release(provider_code: str, month: date, released_by: str, as_of: date) -> int:
    """Send the minutes with their PDF and the reaction deadline."""
    return service.release_minutes(
        UnitOfWork(), region_config(), provider_code, month, released_by, as_of
    )


@task(name="register-reaction", cache_policy=NO_CACHE)
def react(
    provider_code: str,
    month: date,
    agreed: bool,
    comments: dict[str, str],
    registered_by: str,
    as_of: date,
) -> str:
    """Record the provider's reaction; agreement makes the minutes final."""
    return service.register_reaction(
        UnitOfWork(), region_config(), provider_code, month, agreed, comments, registered_by, as_of
    )


@task(name="send-minutes-copy", cache_policy=NO_CACHE)
def copy(provider_code: str, month: date, requested_by: str, as_of: date) -> str:
    """Send the latest final minutes, or the draft marked as such."""
    return service.send_copy(
        UnitOfWork(), region_config(), provider_code, month, requested_by, as_of
    )


@task(name="close-action", cache_policy=NO_CACHE)
def close(
    provider_code: str, month: date, number: int, remark: str, closed_by: str, as_of: date
) -> bool:
    """Close an action with a remark."""
    return actions.close_action(
        UnitOfWork(), provider_code, month, number, remark, closed_by, as_of
    )


@task(name="record-minutes-sheet", cache_policy=NO_CACHE)
def record_sheet(path: Path, recorded_by: str, as_of: date) -> str:
    """Validate a filled-in minutes sheet and store it as the draft."""
    return service.record_minutes_sheet(UnitOfWork(), region_config(), path, recorded_by, as_of)


@task(name="write-minutes-template", cache_policy=NO_CACHE)
def template(provider_code: str, month: date) -> str:
    """The blank minutes sheet of a meeting, in the intake folder's 'verslagen'."""
    folder = get_settings().intake_path / MINUTES_FOLDER
    return str(service.write_template(UnitOfWork(), region_config(), provider_code, month, folder))


@task(name="export-dossier", cache_policy=NO_CACHE)
def export(provider_code: str, start: date, end: date) -> dict:
    """Write the dossier PDF and the zip of originals into var/exports."""
    result = export_dossier(
        UnitOfWork(), region_config(), provider_code, start, end, get_settings().var_dir / "exports"
    )
    return asdict(result)
