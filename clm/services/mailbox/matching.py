"""What a message answers: its reference (subject, Reply-To tag, In-Reply-To/References),
its sender (registered for the provider or not), whether it is automatic or a bounce, its
own words and attachments; then the handler of that kind of reply. Post that cannot be
matched, or comes from an address not registered for the provider, is not acted on: it goes
to the work list with the reason, nothing is sent back.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import utcnow
from clm.rules.config import RegionConfig
from clm.rules.inputs import visible
from clm.rules.replies import ReplyKind, answer_text, tokens_in
from clm.rules.vocabulary import InboundStatus
from clm.services.mailbox.amendment_reply import amendment_reply
from clm.services.mailbox.application_reply import application_reply
from clm.services.mailbox.data_reply import data_reply
from clm.services.mailbox.minutes_reply import meeting_reply, minutes_reply
from clm.services.mailbox.replies import Action, Reply, unmatched
from clm.services.mailbox.step_reply import step_reply
from clm.storage.db import UnitOfWork
from clm.storage.mail import Attachment
from clm.storage.mailbox import Fetched
from clm.storage.models import InboundMail, MailReference, OutboxMessage, Provider


def header_of(msg: EmailMessage, name: str) -> str:
    try:
        return str(msg.get(name, "") or "")
    except (TypeError, ValueError, IndexError):  # a header the parser cannot read
        return ""


def attachments_of(msg: EmailMessage) -> list[tuple[str, str, bytes]]:
    """The message's attachments: a safe file name, the content type, the bytes."""
    found = []
    for part in msg.iter_attachments():
        try:
            content = part.get_payload(decode=True) or b""
        except (LookupError, ValueError, AssertionError):
            continue
        raw_name = part.get_filename() or "bijlage"
        name = re.sub(r"[^\w.\- ]", "_", PurePath(raw_name.replace("\\", "/")).name)[:150]
        found.append((name.strip(" .") or "bijlage", part.get_content_type(), content))
    return found


def body_text(msg: EmailMessage) -> str:
    """The message's text: its plain part, or its HTML part as text."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        content = re.sub(r"(?is)<(script|style|blockquote).*?</\1>", "", content)
        content = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", content)
        content = html.unescape(re.sub(r"<[^>]+>", "", content))
    return str(content)


def _is_automatic(msg: EmailMessage) -> bool:
    """An out-of-office or other automatic answer (RFC 3834 and the common variants)."""
    auto = header_of(msg, "Auto-Submitted").strip().lower()
    precedence = header_of(msg, "Precedence").strip().lower()
    subject = header_of(msg, "Subject").strip().lower()
    return (
        (auto not in ("", "no"))
        or precedence in ("auto_reply", "bulk", "junk", "list")
        or any(
            header_of(msg, h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
        )
        or subject.startswith(("automatisch antwoord", "out of office", "afwezig", "autoreply"))
    )


def _is_bounce(msg: EmailMessage, sender: str) -> bool:
    return msg.get_content_type() == "multipart/report" or sender.split("@")[0] in (
        "mailer-daemon",
        "postmaster",
    )


def _reference(session: Session, msg: EmailMessage) -> tuple[MailReference | None, str]:
    """The reference the reply carries (subject, addresses, reply headers), or why none."""
    addresses = (
        " ".join(
            a for _, a in getaddresses([header_of(msg, h) for h in ("To", "Cc", "Delivered-To")])
        )
        + " "
        + header_of(msg, "X-Original-To")
    )
    tokens = tokens_in(header_of(msg, "Subject"), addresses)
    replied_to = re.findall(
        r"<[^<>\s]+>", f"{header_of(msg, 'In-Reply-To')} {header_of(msg, 'References')}"
    )
    if replied_to:
        tokens += [
            t
            for t in session.scalars(
                select(OutboxMessage.reference).where(
                    OutboxMessage.message_id.in_(replied_to[-50:]),
                    OutboxMessage.reference.is_not(None),
                )
            )
            if t not in tokens
        ]
    if not tokens:
        return None, "geen kenmerk (CLM-…) in onderwerp, adres of antwoordkoppen"
    refs = {
        r.token: r
        for r in session.scalars(select(MailReference).where(MailReference.token.in_(tokens)))
    }
    for token in tokens:
        if token in refs:
            return refs[token], ""
    return None, f"onbekend kenmerk CLM-{tokens[0]}"


def _registered(provider: Provider, sender: str) -> bool:
    known = {(a or "").strip().lower() for a in (provider.contact_email, provider.board_email)}
    return sender in known - {""}


def act_on(
    uow_factory: Callable[[], UnitOfWork],
    cfg: RegionConfig,
    msg: EmailMessage,
    sender: str,
    attachments: list[tuple[str, str, bytes]],
    fetched: Fetched,
    inbound_id: int,
    received: date,
    as_of: date,
) -> tuple[Action, Provider | None]:
    """Match one message to what it answers and hand it to that kind's handler."""
    handlers = cfg.post_handlers
    with uow_factory() as uow:
        session = uow.session
        if not fetched.complete:
            limit = cfg.mailbox.max_message_mb
            return unmatched(
                handlers,
                f"te groot ({fetched.size / 1024**2:.1f} MB, de grens is {limit} MB); niet "
                "gelezen, staat in de map Niet-gekoppeld van het postvak",
            ), None
        if _is_bounce(msg, sender):
            return unmatched(handlers, "onbestelbaar-melding: een mail van ons kwam niet aan"), None
        ref, why = _reference(session, msg)
        row = session.get(InboundMail, inbound_id)
        if ref is not None:
            row.reference, row.reply_kind = ref.token, ref.kind
            uow.commit()
        if _is_automatic(msg):
            return Action(
                InboundStatus.IGNORED, "automatisch antwoord (afwezigheid): niets gedaan"
            ), None
        if ref is None:
            return unmatched(handlers, why), None
        provider = session.get(Provider, ref.provider_id)
        if not _registered(provider, sender):
            return unmatched(
                handlers,
                f"afzender {sender or '(geen)'} staat niet geregistreerd bij {provider.name} "
                f"({provider.code}); niets gedaan en niets teruggestuurd",
            ), None
        kind, subject_id, version = ReplyKind(ref.kind), ref.subject_id, ref.version
    # a NUL or other control character in a provider's text shows, never stops the mail
    # (PostgreSQL refuses NUL in text and JSON)
    answer = visible(answer_text(body_text(msg)))
    original = Attachment(f"mail-{provider.code}-{inbound_id}.eml", "message/rfc822", fetched.raw)
    act = {
        ReplyKind.DATA_REQUEST: data_reply,
        ReplyKind.MINUTES: minutes_reply,
        ReplyKind.MEETING: meeting_reply,
        ReplyKind.ESCALATION_STEP: step_reply,
        ReplyKind.APPLICATION: application_reply,
        ReplyKind.AMENDMENT: amendment_reply,
    }[kind]
    reply = Reply(
        kind,
        provider,
        subject_id,
        version,
        answer,
        attachments,
        original,
        inbound_id,
        received,
        as_of,
        fetched.sent_at or fetched.received_at or utcnow(),
    )
    return act(uow_factory, cfg, reply), provider
