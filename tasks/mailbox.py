"""Reading the region mailbox (or, without one, the post folder)."""

from __future__ import annotations

from datetime import date

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from clm.services import mailbox as service
from clm.services.common import region_config
from clm.services.meeting_changes import ConfirmedPoints, confirm_agenda_points
from clm.settings import Settings, get_settings
from clm.storage.db import UnitOfWork
from clm.storage.mailbox import FolderSource, ImapSource, MailSource
from tasks.outbox import secret


def open_source(settings: Settings) -> MailSource:
    """The region mailbox when the settings name one, else the post folder."""
    if settings.imap_host:
        return ImapSource(
            settings.imap_host,
            settings.imap_port,
            settings.imap_user or "",
            secret(settings.imap_password_block, settings.imap_password) or "",
            settings.imap_security,
            settings.imap_folder,
        )
    return FolderSource(settings.post_path)


@task(name="read-mailbox", cache_policy=NO_CACHE)
def read_mailbox(as_of: date) -> list[dict]:
    """Match and act on every message in the mailbox, then file each in the folder of its
    outcome; one message's failure is kept with its reason and the rest goes on."""
    logger = get_run_logger()
    results = service.process_source(
        UnitOfWork, region_config(), open_source(get_settings()), as_of
    )
    for result in results:
        logger.info("%s: %s", result.message_id, result.outcome)
    return [
        {
            "from": r.sender,
            "subject": r.subject,
            "provider": r.provider,
            "status": r.status.value if r.status else "bezig",
            "outcome": r.outcome,
            "new": r.fresh,
        }
        for r in results
    ]


@task(name="confirm-agenda-points", cache_policy=NO_CACHE)
def confirm_points(
    item_id: int, staff_key: str, accept: bool, rewording: str, as_of: date
) -> ConfirmedPoints:
    """The support officer's decision on the agenda points a provider proposed by mail."""
    return confirm_agenda_points(UnitOfWork(), item_id, staff_key, accept, rewording, as_of)
