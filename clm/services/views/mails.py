"""The mails written since a moment, with their delivery state: what a receipt says was sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from clm.storage.db import UnitOfWork
from clm.storage.models import OutboxMessage, Provider


@dataclass(frozen=True)
class WrittenMail:
    """A mail a run wrote, as its receipt names it."""

    subject: str
    to: tuple[str, ...]
    state: str  # Dutch: verzonden, in de wachtrij, geweigerd


_MAIL_STATES = {"sent": "verzonden", "refused": "geweigerd door de mailserver"}


def mails_since(
    uow: UnitOfWork, since: datetime, provider_code: str | None = None
) -> list[WrittenMail]:
    """The mails written since ``since`` (a run's start), of one provider when given, oldest
    first: what a run's receipt says it sent."""
    with uow:
        query = select(OutboxMessage).where(OutboxMessage.created_at >= since)
        if provider_code:
            query = query.join(Provider, Provider.id == OutboxMessage.provider_id).where(
                Provider.code == provider_code
            )
        return [
            WrittenMail(
                m.subject,
                tuple(m.to_addrs) + tuple(m.cc_addrs or ()),
                _MAIL_STATES.get(m.status, "in de wachtrij"),
            )
            for m in uow.session.scalars(query.order_by(OutboxMessage.id))
        ]
