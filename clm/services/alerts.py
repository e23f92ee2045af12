"""Use case: tell the functional administrator that something in the system needs attention
(a scheduled run failed, or the daily sweep did not run)."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import select

from clm.rules.config import RegionConfig, Role
from clm.rules.inputs import visible
from clm.rules.vocabulary import EventKind
from clm.storage.db import UnitOfWork
from clm.storage.models import OutboxMessage
from clm.storage.notify import mail_with_event
from clm.storage.outbox import REFUSED, existing_keys


def alert_administrators(
    uow: UnitOfWork,
    cfg: RegionConfig,
    key: str,
    subject: str,
    lines: list[str],
    as_of: date,
    cc: list[str] | None = None,
) -> bool:
    """One mail to every functional administrator (through the outbox), once per ``key``,
    with ``cc`` (staff concerned) in copy; False when this alert was sent before."""
    # the alert may quote the bad data it is about: never let that refuse the alert itself
    subject, lines = visible(subject), [visible(line) for line in lines]
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
            kind=EventKind.ADMIN_ALERT,
            actor="notify-administrator",
            as_of=as_of,
            summary=subject,
            cc=[a for a in cc or [] if a not in admins],
        )
        uow.commit()
        return added


def report_refused_mail(uow: UnitOfWork, cfg: RegionConfig, as_of: date) -> int:
    """Tell the functional administrator, once per message, about every message the outbox
    set aside (no valid address, or refused for good by the mail server), with the reason.
    Alerts about alerts are not sent: they would only pile up behind a wrong address."""
    with uow:
        rows = uow.session.execute(
            select(
                OutboxMessage.key,
                OutboxMessage.to_addrs,
                OutboxMessage.subject,
                OutboxMessage.last_error,
            ).where(OutboxMessage.status == REFUSED, ~OutboxMessage.key.startswith("alert:"))
        ).all()
        known = existing_keys(uow.session, "alert:outbox-refused:")
    added = 0
    for key, to, subject, reason in rows:
        alert_key = f"outbox-refused:{hashlib.sha256(key.encode()).hexdigest()[:24]}"
        if f"alert:{alert_key}" in known:
            continue
        added += alert_administrators(
            uow,
            cfg,
            alert_key,
            "Bericht niet verstuurd en apart gezet",
            [
                f"Onderwerp: {subject}",
                f"Aan: {', '.join(to) or '(geen adres)'}",
                f"Reden: {reason or 'onbekend'}",
                "Het bericht wordt niet opnieuw geprobeerd. Corrigeer het adres (bijvoorbeeld "
                "in het aanbiedersregister) en verstuur het bericht opnieuw vanuit de flow die "
                "het maakte.",
            ],
            as_of,
        )
    return added
