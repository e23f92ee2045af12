"""Use case: tell the functional administrator that something in the system needs attention
(a scheduled run failed, or the daily sweep did not run)."""

from __future__ import annotations

from datetime import date

from clm.config import RegionConfig, Role
from clm.db import UnitOfWork
from clm.notify import mail_with_event


def alert_administrators(
    uow: UnitOfWork,
    cfg: RegionConfig,
    key: str,
    subject: str,
    lines: list[str],
    as_of: date,
) -> bool:
    """One mail to every functional administrator (through the outbox), once per ``key``;
    False when this alert was sent before."""
    admins = [s.email for s in cfg.staff_with_role(Role.FUNCTIONAL_ADMINISTRATOR)]
    if not admins:
        admins = [s.email for s in cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)]
    with uow:
        added = mail_with_event(
            uow.session,
            cfg,
            key=f"alert:{key}",
            template="admin_alert",
            context={"lines": lines, "region": cfg.region, "subject": subject},
            to=admins,
            subject=subject,
            provider_id=None,
            kind="melding-beheer",
            actor="notify-administrator",
            as_of=as_of,
            summary=subject,
        )
        uow.commit()
        return added
