"""Each message once: a claim row first, the outcome last; a failure retried by later runs
and set aside after :data:`MAX_ATTEMPTS`; the message and its attachments kept in the
dossier. A run that dies between claim and outcome is taken over after
:data:`STALE_CLAIM` and repeats nothing that was done.
"""

from __future__ import annotations

import email.policy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ, utcnow
from clm.rules.config import RegionConfig
from clm.rules.inputs import visible
from clm.rules.vocabulary import EventKind, InboundStatus, WorkItemKind
from clm.services.mailbox.matching import act_on, attachments_of, header_of
from clm.services.mailbox.replies import ACTOR, Action
from clm.services.meetings import as_utc
from clm.services.worklist import add_item
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.mailbox import Fetched, MailSource
from clm.storage.models import DossierDocument, InboundMail, Provider

STALE_CLAIM = timedelta(minutes=15)


MAX_ATTEMPTS = 3  # an error that three runs met is set aside for a person


# what the dossier keeps of an attachment besides the whole message (.eml)
DOSSIER_KINDS = {
    ".pdf", ".xlsx", ".xls", ".docx", ".doc", ".odt", ".ods", ".csv", ".txt", ".png", ".jpg",
    ".jpeg",
}  # fmt: skip


MESSAGE_ID_LENGTH = 300  # the column's length


@dataclass
class MailResult:
    """What became of one message."""

    message_id: str
    status: InboundStatus | None  # None: another run has it now (left where it is)
    outcome: str
    provider: str = ""
    subject: str = ""
    sender: str = ""
    fresh: bool = True  # False: handled in an earlier run, only filed now
    set_aside: bool = False  # failed too often: filed in 'Fout' for a person

    @property
    def to_file(self) -> bool:
        """Whether the message leaves the inbox now (a failure stays for the next run)."""
        return self.status is not None and (self.status != InboundStatus.FAILED or self.set_aside)


def message_key(raw: bytes, header: str | None) -> str:
    """The message's identity: its Message-ID, or, without one, a hash of its bytes."""
    value = visible(" ".join((header or "").split()))
    if not value:
        return f"<{hashlib.sha256(raw).hexdigest()[:40]}@zonder-message-id>"
    if len(value) > MESSAGE_ID_LENGTH:
        return f"<{hashlib.sha256(value.encode()).hexdigest()[:40]}@lange-message-id>"
    return value


def process_source(
    uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, source: MailSource, as_of: date
) -> list[MailResult]:
    """Every message in the mailbox, each processed once and then filed in the folder of its
    outcome; a message that failed stays in the inbox for the next run until it is given up
    (then 'Fout'). One bad message never stops the rest."""
    results: list[MailResult] = []
    try:
        for fetched in source.messages(cfg.mailbox.max_message_mb * 1024**2):
            result = process_mail(uow_factory, cfg, fetched, as_of)
            if result.to_file:
                source.file(fetched.handle, result.status.folder_label)
            results.append(result)
    finally:
        source.close()
    return results


def process_mail(
    uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, fetched: Fetched, as_of: date
) -> MailResult:
    """Match one message and act on it, once; returns what became of it."""
    msg = email.message_from_bytes(fetched.raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    message_id = message_key(fetched.raw, header_of(msg, "Message-ID"))
    sender = visible(parseaddr(header_of(msg, "From"))[1].strip().lower())[:254]
    subject = visible(" ".join(header_of(msg, "Subject").split()))[:300]
    result = MailResult(message_id, InboundStatus.PROCESSING, "", subject=subject, sender=sender)
    inbound_id = _claim(uow_factory, fetched, message_id, sender, subject, result)
    if inbound_id is None:
        return result
    received = (fetched.received_at or utcnow()).astimezone(REGION_TZ).date()
    received = min(received, as_of)
    attachments = attachments_of(msg) if fetched.complete else []
    try:
        action, provider = act_on(
            uow_factory, cfg, msg, sender, attachments, fetched, inbound_id, received, as_of
        )
    except Exception as exc:  # noqa: BLE001 - kept with its reason, retried by a later run
        return _failed(uow_factory, cfg, inbound_id, exc, as_of, result)
    _finish(uow_factory, inbound_id, fetched, attachments, action, provider, as_of)
    result.status, result.outcome = action.status, action.outcome
    result.provider = provider.code if provider else ""
    return result


def _claim(
    uow_factory: Callable[[], UnitOfWork],
    fetched: Fetched,
    message_id: str,
    sender: str,
    subject: str,
    result: MailResult,
) -> int | None:
    """Write (or take over) the message's row; None when there is nothing to do now."""
    now = utcnow()
    with uow_factory() as uow:
        session = uow.session
        row = session.scalar(select(InboundMail).where(InboundMail.message_id == message_id))
        if row is not None:
            status = InboundStatus(row.status)
            claimed = as_utc(row.claimed_at) if row.claimed_at else None
            busy = status == InboundStatus.PROCESSING and claimed and claimed > now - STALE_CLAIM
            done = status not in (InboundStatus.PROCESSING, InboundStatus.FAILED)
            given_up = status == InboundStatus.FAILED and row.attempts >= MAX_ATTEMPTS
            if busy or done or given_up:
                result.status = None if busy else status
                result.outcome = row.outcome or "wordt nu door een andere run verwerkt"
                result.fresh, result.set_aside = False, given_up
                return None
            row.status, row.claimed_at, row.attempts = (
                InboundStatus.PROCESSING,
                now,
                row.attempts + 1,
            )
            uow.commit()
            return row.id
        row = InboundMail(
            message_id=message_id,
            source="imap" if fetched.handle.isdigit() else "folder",
            from_addr=sender[:254],
            subject=subject,
            received_at=fetched.received_at,
            sent_at=fetched.sent_at,
            size=fetched.size,
            status=InboundStatus.PROCESSING,
            outcome="",
            attempts=1,
            claimed_at=now,
        )
        session.add(row)
        try:
            uow.commit()
        except IntegrityError:  # another worker claimed it a moment ago
            session.rollback()
            result.status, result.outcome, result.fresh = None, "door een andere run", False
            return None
        return row.id


def _failed(
    uow_factory: Callable[[], UnitOfWork],
    cfg: RegionConfig,
    inbound_id: int,
    exc: Exception,
    as_of: date,
    result: MailResult,
) -> MailResult:
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    with uow_factory() as uow:
        row = uow.session.get(InboundMail, inbound_id)
        row.status, row.outcome, row.claimed_at = InboundStatus.FAILED, reason, None
        if row.attempts >= MAX_ATTEMPTS:
            for staff_key in cfg.post_handlers:
                _work_item(
                    uow.session,
                    staff_key,
                    WorkItemKind.UNMATCHED_POST,
                    f"Mail van {row.from_addr or 'onbekend'} ({row.subject or 'zonder onderwerp'})"
                    f" kon na {row.attempts} pogingen niet verwerkt worden: {reason[:200]}",
                    row,
                    as_of,
                )
        uow.commit()
        result.status, result.outcome = InboundStatus.FAILED, reason
        result.set_aside = row.attempts >= MAX_ATTEMPTS
    return result


def _finish(
    uow_factory: Callable[[], UnitOfWork],
    inbound_id: int,
    fetched: Fetched,
    attachments: list[tuple[str, str, bytes]],
    action: Action,
    provider: Provider | None,
    as_of: date,
) -> None:
    """Write the outcome, the dossier's copy of the message and the work items, together."""
    with uow_factory() as uow:
        session = uow.session
        row = session.get(InboundMail, inbound_id)
        row.status, row.outcome, row.claimed_at = action.status, action.outcome[:4000], None
        row.processed_on = as_of
        if provider is not None and fetched.complete:
            row.provider_id = provider.id
            _keep_in_dossier(session, row, fetched.raw, attachments, provider, action, as_of)
        else:
            row.raw = fetched.raw  # no dossier holds it: kept here (headers only when too large)
        for staff_key, kind, title in action.work:
            _work_item(session, staff_key, kind, title, row, as_of)
        uow.commit()


def _keep_in_dossier(
    session: Session,
    row: InboundMail,
    raw: bytes,
    attachments: list[tuple[str, str, bytes]],
    provider: Provider,
    action: Action,
    as_of: date,
) -> None:
    key = f"inbound:{row.id}"
    stamp = (row.received_at or utcnow()).astimezone(REGION_TZ)
    record_event(
        session,
        key=key,
        provider_id=provider.id,
        kind=EventKind.MAIL_RECEIVED,
        actor=ACTOR,
        as_of=as_of,
        summary=f"Mail ontvangen van {row.from_addr} op {stamp:%d-%m-%Y %H:%M}: "
        f"'{row.subject}'. {action.outcome}",
        data={"message_id": row.message_id, "reference": row.reference},
    )
    documents = [(f"{key}:eml", f"mail-{stamp:%Y%m%d-%H%M}-{row.id}.eml", "message/rfc822", raw)]
    for n, (name, content_type, content) in enumerate(attachments, start=1):
        if PurePath(name).suffix.lower() in DOSSIER_KINDS:
            documents.append((f"{key}:bijlage:{n}", f"mail-{row.id}-{name}", content_type, content))
    known = set(
        session.scalars(
            select(DossierDocument.event_key).where(
                DossierDocument.event_key.in_([d[0] for d in documents])
            )
        )
    )
    for event_key, name, content_type, content in documents:
        if event_key not in known:
            session.add(
                DossierDocument(
                    event_key=event_key,
                    provider_id=provider.id,
                    filename=name[:200],
                    content_type=content_type[:100],
                    content=content,
                )
            )


def _work_item(
    session: Session,
    staff_key: str,
    kind: WorkItemKind,
    title: str,
    row: InboundMail,
    as_of: date,
) -> None:
    add_item(
        session,
        key=f"inbound:{row.id}:{kind}:{staff_key}",
        staff_key=staff_key,
        kind=kind,
        title=title,
        detail=f"Van {row.from_addr}, onderwerp '{row.subject}', Message-ID {row.message_id}",
        as_of=as_of,
        inbound_id=row.id,
    )
