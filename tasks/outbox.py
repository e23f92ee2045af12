"""Delivery of the outbox."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from clm.clock import today_in_region
from clm.rules.config import Mail
from clm.services.alerts import report_refused_mail
from clm.services.common import region_config
from clm.settings import Settings, get_settings
from clm.storage.db import UnitOfWork
from clm.storage.mail import FileTransport, SmtpTransport, Transport
from clm.storage.outbox import DeliveryFailed, deliver_pending


def secret(block: str, fallback: str | None) -> str | None:
    """A password from the Prefect Secret block ``block``, else ``fallback`` (the
    environment's CLM_..._PASSWORD) when there is no such block."""
    from prefect.blocks.system import Secret

    try:
        return Secret.load(block).get()
    except ValueError:  # no such block
        return fallback


def _smtp_password(settings: Settings) -> str | None:
    """The SMTP password from its Secret block, else from CLM_SMTP_PASSWORD."""
    if not settings.smtp_user:
        return None
    return secret(settings.smtp_password_block, settings.smtp_password)


def make_transport(settings: Settings) -> Transport:
    """The transport the settings ask for: .eml files (default) or SMTP through yagmail."""
    if settings.mail_transport == "smtp":
        return SmtpTransport(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_user,
            _smtp_password(settings),
            starttls=settings.smtp_starttls,
            ssl=settings.smtp_ssl,
        )
    return FileTransport(settings.outbox_path)


@task(name="deliver-outbox", retries=3, retry_delay_seconds=[5, 30, 120], cache_policy=NO_CACHE)
def deliver_outbox(sender: Mail | None = None) -> dict[str, int]:
    """Send every pending message; a retry picks up only what is still pending."""
    logger = get_run_logger()
    settings = get_settings()
    cfg = region_config()
    report = deliver_pending(UnitOfWork, make_transport(settings), sender or cfg.mail)
    alerts = report_refused_mail(UnitOfWork(), cfg, today_in_region())
    if alerts:  # the administrator hears of set-aside messages in this same run
        more = deliver_pending(UnitOfWork, make_transport(settings), sender or cfg.mail)
        report.sent, report.failed = report.sent + more.sent, report.failed + more.failed
        report.errors += more.errors
    logger.info(
        "Outbox: %s verstuurd, %s mislukt, %s apart gezet",
        report.sent,
        report.failed,
        report.refused,
    )
    if report.failed:
        raise DeliveryFailed("; ".join(report.errors[:10]))
    return {"sent": report.sent, "set_aside": report.refused}
