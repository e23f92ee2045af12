"""Tasks of the quarterly meeting cycle."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from hashlib import sha256
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.services.alerts import alert_administrators
from clm.services.common import region_config
from clm.services.data_intake import (
    DATA_FOLDER,
    check_intake_path,
    new_intake_files,
    record_refusal,
    take_in_data_sheet,
)
from clm.services.followup import send_due_final_agendas
from clm.services.meeting_changes import (
    add_agenda_point,
    cancel_meeting,
    move_meeting,
    request_extra_attendee,
)
from clm.services.meetings import prepare_month
from clm.services.views import month_table
from clm.settings import get_settings
from clm.storage.db import UnitOfWork


@task(name="plan-and-request", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def plan_and_request(month: date, as_of: date, provider_code: str | None) -> dict:
    """Plan the month's meetings and put each data request with agenda and invite in the
    outbox; providers set aside on their own data are reported once to the administrator."""
    cfg = region_config()
    summary = asdict(prepare_month(UnitOfWork(), cfg, month, as_of, provider_code))
    if summary["set_aside"]:
        report_set_aside(cfg, f"voorbereiding {month:%m-%Y}", summary["set_aside"], as_of)
    return summary


def report_set_aside(cfg: RegionConfig, what: str, lines: list[str], as_of: date) -> bool:
    """One mail to the functional administrator about items a batch set aside (once per
    distinct list)."""
    return alert_administrators(
        UnitOfWork(),
        cfg,
        f"set-aside:{sha256(('|'.join(lines) + what).encode()).hexdigest()[:16]}",
        f"{len(lines)} aanbieder(s) apart gezet bij {what}",
        [
            *lines[:200],
            "De andere aanbieders zijn gewoon verwerkt. Herstel de gegevens en draai"
            " de flow opnieuw: alleen deze worden dan nog verwerkt.",
        ],
        as_of,
    )


@task(name="load-month", cache_policy=NO_CACHE)
def load_month(month: date) -> list[dict]:
    """The planned meetings of the month, as shown in the artifact."""
    return month_table(UnitOfWork(), region_config(), month)


@task(name="take-in-data-sheet", cache_policy=NO_CACHE)
def take_in_sheet(path: Path, as_of: date) -> dict:
    """Validate a provider's data sheet and store its figures."""
    return asdict(take_in_data_sheet(UnitOfWork(), region_config(), path, as_of))


@task(name="pick-up-data-sheets", cache_policy=NO_CACHE)
def pick_up_sheets(as_of: date) -> dict[str, list[str]]:
    """Take in every new sheet in the watched intake folder, each on its own: a refused or
    unreadable one is remembered with its reason (not tried again) and reported once to the
    functional administrator; the rest goes on."""
    logger = get_run_logger()
    cfg, folder = region_config(), get_settings().intake_path / DATA_FOLDER
    outcome: dict[str, list[str]] = {"accepted": [], "refused": []}
    for path in new_intake_files(UnitOfWork(), folder):
        try:
            check_intake_path(path, folder)
            take_in_data_sheet(UnitOfWork(), cfg, path, as_of)
            outcome["accepted"].append(path.name)
            continue
        except InvalidInput as exc:
            refusal = exc
        except Exception as exc:  # noqa: BLE001 - one provider's file never stops the sweep
            logger.exception("Gegevensblad %s gaf een onverwachte fout", path.name)
            refusal = InvalidInput.one(
                path.name, f"onverwachte fout bij het inlezen ({type(exc).__name__}: {exc})"
            )
        record_refusal(UnitOfWork(), path, refusal, as_of, folder)
        outcome["refused"].append(str(refusal))
        logger.warning("Gegevensblad %s afgekeurd: %s", path.name, refusal)
    if outcome["refused"]:
        alert_administrators(
            UnitOfWork(),
            cfg,
            "intake-refused:" + sha256("\n".join(outcome["refused"]).encode()).hexdigest()[:16],
            f"{len(outcome['refused'])} gegevensblad(en) afgekeurd in de dagelijkse ronde",
            [line for text in outcome["refused"] for line in text.splitlines()][:200],
            as_of,
        )
    return outcome


@task(name="send-final-agendas", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def final_agendas(as_of: date) -> int:
    """The final agenda of every meeting whose day for it has come (caught up if missed)."""
    cfg, set_aside = region_config(), []
    sent = send_due_final_agendas(UnitOfWork(), cfg, as_of, set_aside)
    if set_aside:
        report_set_aside(cfg, "de definitieve agenda's", set_aside, as_of)
    return sent


@task(name="move-meeting", cache_policy=NO_CACHE)
def move(
    provider_code: str,
    month: date,
    new_start: datetime,
    location: str | None,
    actor: str,
    as_of: date,
) -> bool:
    """Move a meeting; the updated invite goes through the outbox."""
    return move_meeting(
        UnitOfWork(), region_config(), provider_code, month, new_start, location, actor, as_of
    )


@task(name="cancel-meeting", cache_policy=NO_CACHE)
def cancel(provider_code: str, month: date, reason: str, actor: str, as_of: date) -> bool:
    """Cancel a meeting; the cancellation goes through the outbox."""
    return cancel_meeting(UnitOfWork(), region_config(), provider_code, month, reason, actor, as_of)


@task(name="add-agenda-point", cache_policy=NO_CACHE)
def agenda_point(
    provider_code: str, month: date, text: str, submitted_by: str, as_of: date
) -> bool:
    """Record a point for the meeting's agenda."""
    return add_agenda_point(UnitOfWork(), provider_code, month, text, submitted_by, as_of)


@task(name="extra-attendee", cache_policy=NO_CACHE)
def extra_attendee(
    provider_code: str,
    month: date,
    staff_key: str,
    answer: str,
    remark: str,
    actor: str,
    as_of: date,
) -> str:
    """Record the request for an extra staff member or the provider's answer."""
    return request_extra_attendee(
        UnitOfWork(), region_config(), provider_code, month, staff_key, answer, remark, actor, as_of
    )
