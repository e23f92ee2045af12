"""The transactional outbox: messages are written with the change that causes them and
delivered afterwards, each at most once per successful hand-over, none ever dropped."""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from clm.clock import utcnow
from clm.rules.config import Mail
from clm.rules.escalation import ONE_TIME_CODE
from clm.rules.inputs import visible
from clm.rules.replies import reply_address
from clm.storage.db import UnitOfWork, add_row, claim_key, keys_with_prefix
from clm.storage.mail import Attachment, Envelope, Transport, build_message, check_header_value
from clm.storage.models import OutboxAttachment, OutboxMessage

PENDING, SENDING, SENT = "pending", "sending", "sent"
# Set aside with its reason: no valid recipient when written, or refused for good by the
# mail server (5xx). Never tried again; the functional administrator is told once.
REFUSED = "refused"
SUBJECT_LENGTH = 300  # the column's length
# A claim older than this belonged to a process that died between claiming and marking;
# the message is offered again with the same Message-ID so that receivers can recognise it.
STALE_CLAIM = timedelta(minutes=15)


def message_id_for(key: str, sender_email: str) -> str:
    """A Message-ID derived from the idempotency key: the same message keeps the same ID."""
    domain = sender_email.rsplit("@", 1)[-1]
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def enqueue(
    session: Session,
    *,
    key: str,
    sender: Mail,
    to: list[str],
    subject: str,
    text: str,
    html: str,
    provider_id: int | None = None,
    cc: list[str] | None = None,
    known_keys: set[str] | None = None,
    attachments: list[Attachment] | None = None,
    reference: str | None = None,
) -> bool:
    """Add a message to the outbox in the caller's transaction; False if the key exists.

    ``reference`` is the reply reference of a mail that expects an answer: its Reply-To
    becomes the region mailbox's plus-address with it (where the config allows).

    A batch passes ``known_keys`` (loaded once with :func:`existing_keys`) instead of a
    look-up per message.
    """
    for addr in [*to, *(cc or [])]:
        check_header_value("adres", addr)
    check_header_value("onderwerp", subject)
    # A stray control character in stored data (a NUL in an old provider name) shows as
    # U+FFFD instead of refusing the mail: one provider's bad row never stops a batch.
    subject, text, html = visible(subject), visible(text), visible(html)
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1] + "…"
    if not claim_key(session, OutboxMessage.key, key, known_keys):
        return False
    to_ok, to_bad = split_addresses(to)
    cc_ok, cc_bad = split_addresses(cc or [])
    bad = to_bad + cc_bad
    values = dict(
        key=key,
        message_id=message_id_for(key, sender.sender_email),
        provider_id=provider_id,
        to_addrs=to_ok or list(to),
        cc_addrs=cc_ok,
        subject=subject,
        body_text=text,
        body_html=html,
        status=PENDING if to_ok else REFUSED,
        reference=reference,
        last_error=("geen geldig adres: " if not to_ok else "ongeldige adressen weggelaten: ")
        + ", ".join(f"'{a}'" for a in bad or ["(geen adres)"])
        if bad or not to_ok
        else None,
    )
    if attachments:  # rows of their own that need the message's id: the ORM writes them
        files = [
            OutboxAttachment(filename=a.filename, content_type=a.content_type, content=a.content)
            for a in attachments
        ]
        session.add(OutboxMessage(**values, attachments=files))
    else:
        add_row(session, OutboxMessage, values)
    return True


def reply_to_of(sender: Mail, reference: str | None) -> str | None:
    """The Reply-To of a message: the region mailbox, tagged with the message's reference
    when it expects an answer and the mail server takes plus-addresses."""
    if reference and sender.reply_tags:
        return reply_address(sender.reply_address, reference)
    return str(sender.reply_to) if sender.reply_to else None


def envelope_of(row: OutboxMessage, sender: Mail, reply_to: str | None) -> Envelope:
    """The message as it goes out (or went out) of a stored outbox row."""
    return Envelope(
        message_id=row.message_id,
        sender_name=sender.sender_name,
        sender_email=sender.sender_email,
        reply_to=reply_to,
        to=row.to_addrs,
        cc=row.cc_addrs,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        attachments=tuple(
            Attachment(a.filename, a.content_type, a.content) for a in row.attachments
        ),
    )


def split_addresses(addresses: list[str]) -> tuple[list[str], list[str]]:
    """The addresses a mail server can take, and the ones it cannot (no @, spaces, no
    domain); checked by syntax only, never by asking the network."""
    good, bad = [], []
    for addr in addresses:
        (good if isinstance(addr, str) and _deliverable(addr) else bad).append(str(addr))
    return good, bad


@lru_cache(maxsize=4096)
def _deliverable(address: str) -> bool:
    # a region writes to the same few hundred addresses all day: each is checked once
    try:
        validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True


def is_permanent(exc: Exception) -> bool:
    """True for a refusal by the mail server that a retry cannot change: every recipient
    refused with 5xx, or the message refused with 5xx (550 no such user, 552 too large,
    554 rejected). Authentication and sender refusals are the set-up's fault, not the
    message's: those stay pending (and fail the run) until the set-up is fixed."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    # an address beyond ASCII to a server that does not take SMTPUTF8: no retry changes it
    return isinstance(exc, smtplib.SMTPNotSupportedError)


def existing_keys(session: Session, prefix: str) -> set[str]:
    """The outbox keys that start with ``prefix``, for batches that enqueue many messages."""
    return keys_with_prefix(session, OutboxMessage.key, prefix)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)


class DeliveryFailed(RuntimeError):
    """Some messages could not be handed over; they stay pending for the next attempt."""


# Messages claimed in one commit. Each is still marked sent in its own commit, so a crash
# resends at most the one message in hand; a claimed batch is sent well within STALE_CLAIM.
CLAIM_BATCH = 50


def deliver_pending(
    uow_factory: Callable[[], UnitOfWork],
    transport: Transport,
    sender: Mail,
    batch: int = CLAIM_BATCH,
) -> DeliveryReport:
    """Send pending messages: claim a batch in one commit, then hand each over and mark it
    sent (or why not) in its own commit.

    Goes on until nothing is left that this run has not tried, so one run empties the
    outbox; a message that failed waits for the next run, and so does the rest when a
    whole batch failed (the mail server is away).
    """
    report = DeliveryReport()
    failed: set[int] = set()
    try:
        while claimed := _claim(uow_factory, batch, failed):
            sent_before = report.sent
            with uow_factory() as uow:
                rows = uow.session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.id.in_(claimed))
                    .options(selectinload(OutboxMessage.attachments))
                    .order_by(OutboxMessage.id)
                ).all()
                # A transport that may hand a message over twice without harm (files named
                # by Message-ID) is recorded per batch; any other, per message.
                each = not getattr(transport, "repeat_is_harmless", False)
                for row in rows:
                    if not _deliver_one(uow, transport, sender, row, report, commit=each):
                        failed.add(row.id)
                uow.commit()
            if report.sent == sent_before and all(i in failed for i in claimed):
                break
    finally:
        transport.close()
    return report


def _claim(uow_factory: Callable[[], UnitOfWork], limit: int, skip: set[int]) -> list[int]:
    """Claim up to ``limit`` messages that are pending (or whose claim went stale), other
    than ``skip``; returns their ids. Two workers never claim the same message: the
    condition is checked again on each row as it is updated."""
    with uow_factory() as uow:
        now = utcnow()
        claimable = or_(
            OutboxMessage.status == PENDING,
            (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_at < now - STALE_CLAIM),
        )
        # PostgreSQL: rows another worker is claiming right now are skipped, not waited for
        # (after the wait they would no longer qualify, and this claim would come back
        # empty while messages are left); SQLite runs one writer at a time anyway. The
        # candidates are a CTE, which PostgreSQL runs once: as a subquery of the UPDATE it
        # could run again for each row it met, every time passing over the rows just
        # locked, so that one claim took hundreds of messages instead of ``limit``.
        candidates = (
            select(OutboxMessage.id)
            .where(claimable, OutboxMessage.id.not_in(skip))
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("candidates")
        )
        claimed = uow.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(select(candidates.c.id)), claimable)
            .values(status=SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id)
        ).all()
        uow.commit()
        return sorted(claimed)


def _deliver_one(
    uow: UnitOfWork,
    transport: Transport,
    sender: Mail,
    row: OutboxMessage,
    report: DeliveryReport,
    commit: bool = True,
) -> bool:
    """Hand one claimed message over and record the outcome (in its own commit when
    ``commit``; a failure always); False when it failed for now (it is pending again, for
    the next run)."""
    try:
        transport.send(build_message(envelope_of(row, sender, reply_to_of(sender, row.reference))))
    except Exception as exc:  # keep it pending with the reason, or set it aside for good
        permanent = is_permanent(exc)
        row.status, row.last_error, row.claimed_at = (
            REFUSED if permanent else PENDING,
            f"{type(exc).__name__}: {exc}"[:2000],
            None,
        )
        if permanent:
            _forget_secret(row)
        uow.commit()
        if permanent:
            report.refused += 1
            return True
        report.failed += 1
        report.errors.append(f"{row.key}: {type(exc).__name__}: {exc}")
        return False
    row.status, row.sent_at, row.last_error = SENT, utcnow(), None
    _forget_secret(row)
    if commit:
        uow.commit()
    report.sent += 1
    return True


# Mails that carry a one-time code: once sent (or refused for good), the code is removed from
# the stored copy, so that the database holds it only as a hash.
SECRET_KEY_PART = ":approval-code:"


def _forget_secret(row: OutboxMessage) -> None:
    if SECRET_KEY_PART in row.key:
        row.body_text = ONE_TIME_CODE.sub("(code verwijderd na verzending)", row.body_text)
        row.body_html = ONE_TIME_CODE.sub("(code verwijderd na verzending)", row.body_html)
