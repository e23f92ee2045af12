"""Replies as providers' mail programs write them, for the mailbox tests."""

from __future__ import annotations

import mimetypes
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from sqlalchemy import select

from clm.clock import REGION_TZ
from clm.rules.calendar import add_working_days
from clm.rules.config import RegionConfig
from clm.rules.minutes import ActionDraft, ItemDraft, MinutesDraft
from clm.services import minutes as minutes_svc
from clm.storage.db import UnitOfWork
from clm.storage.models import OutboxMessage, Provider


def reply_to(
    outbox_key: str,
    body: str,
    *,
    sender: str | None = None,
    **options: Any,
) -> bytes:
    """A reply to the outbox message ``outbox_key``, from the provider's registered address
    unless ``sender`` says otherwise (options: see :func:`reply`)."""
    with UnitOfWork() as uow:
        original = uow.session.scalar(select(OutboxMessage).where(OutboxMessage.key == outbox_key))
        assert original is not None, outbox_key
        provider = uow.session.get(Provider, original.provider_id)
        name, contact = provider.contact_name, provider.contact_email
        subject, message_id, text = original.subject, original.message_id, original.body_text
    return reply(subject, message_id, text, f"{name} <{sender or contact}>", body, **options)


def reply(
    original_subject: str,
    original_id: str,
    original_text: str,
    sender: str,
    body: str,
    *,
    attachments: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    subject: str | None = None,
    threaded: bool = True,
    headers: dict[str, str] | None = None,
    sent: datetime | None = None,
) -> bytes:
    """A reply as a mail program writes it: 'RE:' before the subject, the answer above the
    quoted original, In-Reply-To and References when ``threaded``."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "contractbeheer@regio.example.org"
    msg["Subject"] = subject if subject is not None else f"RE: {original_subject}"
    msg["Message-ID"] = make_msgid(domain="aanbieder.example.org")
    msg["Date"] = format_datetime(sent or datetime.now(REGION_TZ))
    if threaded:
        msg["In-Reply-To"] = original_id
        msg["References"] = original_id
    for name, value in (headers or {}).items():
        msg[name] = value
    quoted = "\n".join(f"> {line}" for line in original_text.splitlines()[:20])
    msg.set_content(f"{body}\n\nOp 1 maart 2027 om 09:00 schreef Regio:\n{quoted}\n")
    for name, content in attachments:
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, subtype = kind.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


APRIL = date(2027, 4, 1)


def released_minutes(cfg: RegionConfig, code: str, day: date) -> tuple[date, str]:
    """The April minutes recorded and released (version 1): (the day they were sent, the
    outbox key of their mail)."""
    draft = MinutesDraft(
        ["Eva de Vries (aanbieder)", "Marieke Jansen"],
        [ItemDraft("1", "Opening"), ItemDraft("4b", "Wachtlijst", "Plan van aanpak")],
        [ActionDraft("4b", "Plan wachtlijst", "provider", "Eva de Vries", day + timedelta(30))],
    )
    minutes_svc.record_minutes(UnitOfWork(), cfg, code, APRIL, draft, "os-mulder", day)
    sent_on = add_working_days(day, 3, cfg.calendar)
    minutes_svc.release_minutes(UnitOfWork(), cfg, code, APRIL, "os-mulder", sent_on)
    with UnitOfWork() as uow:
        key = uow.session.scalar(
            select(OutboxMessage.key).where(OutboxMessage.key.like("minutes:%:v1"))
        )
    return sent_on, key
