"""Use case: a provider's reply by mail, read from the region mailbox, matched by its
reference and sender, acted on once, and kept in the contract dossier.

What a reply does is decided by what it answers (:class:`ReplyKind`) and the rules of
:mod:`clm.rules.replies`; the actions are the services staff use from their forms (the data
intake, the reaction to the minutes, the copy, the objection), so a mail and a form do the
same thing. Post that cannot be matched, or comes from an address not registered for the
provider, is not acted on: it goes to the work list with the reason, nothing is sent back.

Each message is processed once by its Message-ID: a claim row is written first, the actions
are idempotent by their own keys, and the outcome is written last; a run that dies between
the two is taken over after :data:`STALE_CLAIM` and repeats nothing that was done.
"""

from __future__ import annotations

import email.policy
import hashlib
import html
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path, PurePath

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ, stamp, utcnow
from clm.errors import InvalidInput
from clm.rules.amendments import PartyResponse, read_reaction
from clm.rules.calendar import add_working_days
from clm.rules.config import RegionConfig, Role
from clm.rules.escalation import STEPS
from clm.rules.inputs import visible
from clm.rules.replies import (
    CONTENT_KINDS,
    ReplyKind,
    agenda_points,
    answer_text,
    asks_for_copy,
    has_grounds,
    is_agreement,
    names_objection,
    tokens_in,
)
from clm.rules.vocabulary import EventKind, InboundStatus, PointStatus, WorkItemKind
from clm.services.amendments import register_reaction as register_amendment_reaction
from clm.services.data_intake import record_refusal, take_in_data_sheet
from clm.services.meetings import as_utc, meeting_day
from clm.services.minutes import register_reaction, send_copy
from clm.services.objections import register_objection
from clm.services.worklist import add_item
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.mail import Attachment
from clm.storage.mailbox import Fetched, MailSource
from clm.storage.models import (
    Admission,
    AgendaPoint,
    Amendment,
    DossierDocument,
    EscalationStep,
    InboundMail,
    MailReference,
    Meeting,
    Minutes,
    OutboxMessage,
    Provider,
)
from clm.storage.notify import ReplyTo, mail_with_event

STALE_CLAIM = timedelta(minutes=15)
MAX_ATTEMPTS = 3  # an error that three runs met is set aside for a person
ACTOR = "postvak"
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


@dataclass
class _Action:
    status: InboundStatus
    outcome: str
    work: list[tuple[str, WorkItemKind, str]] = field(default_factory=list)  # staff, kind, title


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
    message_id = message_key(fetched.raw, _header(msg, "Message-ID"))
    sender = visible(parseaddr(_header(msg, "From"))[1].strip().lower())[:254]
    subject = visible(" ".join(_header(msg, "Subject").split()))[:300]
    result = MailResult(message_id, InboundStatus.PROCESSING, "", subject=subject, sender=sender)
    inbound_id = _claim(uow_factory, fetched, message_id, sender, subject, result)
    if inbound_id is None:
        return result
    received = (fetched.received_at or utcnow()).astimezone(REGION_TZ).date()
    received = min(received, as_of)
    attachments = _attachments(msg) if fetched.complete else []
    try:
        action, provider = _act(
            uow_factory, cfg, msg, sender, attachments, fetched, inbound_id, received, as_of
        )
    except Exception as exc:  # noqa: BLE001 - kept with its reason, retried by a later run
        return _failed(uow_factory, cfg, inbound_id, exc, as_of, result)
    _finish(uow_factory, inbound_id, fetched, attachments, action, provider, as_of)
    result.status, result.outcome = action.status, action.outcome
    result.provider = provider.code if provider else ""
    return result


def _header(msg: EmailMessage, name: str) -> str:
    try:
        return str(msg.get(name, "") or "")
    except (TypeError, ValueError, IndexError):  # a header the parser cannot read
        return ""


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
    action: _Action,
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
    action: _Action,
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


def _attachments(msg: EmailMessage) -> list[tuple[str, str, bytes]]:
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


# --- matching --------------------------------------------------------------------------


def _is_automatic(msg: EmailMessage) -> bool:
    """An out-of-office or other automatic answer (RFC 3834 and the common variants)."""
    auto = _header(msg, "Auto-Submitted").strip().lower()
    precedence = _header(msg, "Precedence").strip().lower()
    subject = _header(msg, "Subject").strip().lower()
    return (
        (auto not in ("", "no"))
        or precedence in ("auto_reply", "bulk", "junk", "list")
        or any(
            _header(msg, h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
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
            a for _, a in getaddresses([_header(msg, h) for h in ("To", "Cc", "Delivered-To")])
        )
        + " "
        + _header(msg, "X-Original-To")
    )
    tokens = tokens_in(_header(msg, "Subject"), addresses)
    replied_to = re.findall(
        r"<[^<>\s]+>", f"{_header(msg, 'In-Reply-To')} {_header(msg, 'References')}"
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


def _act(
    uow_factory: Callable[[], UnitOfWork],
    cfg: RegionConfig,
    msg: EmailMessage,
    sender: str,
    attachments: list[tuple[str, str, bytes]],
    fetched: Fetched,
    inbound_id: int,
    received: date,
    as_of: date,
) -> tuple[_Action, Provider | None]:
    handlers = cfg.post_handlers
    with uow_factory() as uow:
        session = uow.session
        if not fetched.complete:
            limit = cfg.mailbox.max_message_mb
            return _unmatched(
                handlers,
                f"te groot ({fetched.size / 1024**2:.1f} MB, de grens is {limit} MB); niet "
                "gelezen, staat in de map Niet-gekoppeld van het postvak",
            ), None
        if _is_bounce(msg, sender):
            return _unmatched(
                handlers, "onbestelbaar-melding: een mail van ons kwam niet aan"
            ), None
        ref, why = _reference(session, msg)
        row = session.get(InboundMail, inbound_id)
        if ref is not None:
            row.reference, row.reply_kind = ref.token, ref.kind
            uow.commit()
        if _is_automatic(msg):
            return _Action(
                InboundStatus.IGNORED, "automatisch antwoord (afwezigheid): niets gedaan"
            ), None
        if ref is None:
            return _unmatched(handlers, why), None
        provider = session.get(Provider, ref.provider_id)
        if not _registered(provider, sender):
            return _unmatched(
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
        ReplyKind.DATA_REQUEST: _data_reply,
        ReplyKind.MINUTES: _minutes_reply,
        ReplyKind.MEETING: _meeting_reply,
        ReplyKind.ESCALATION_STEP: _step_reply,
        ReplyKind.APPLICATION: _application_reply,
        ReplyKind.AMENDMENT: _amendment_reply,
    }[kind]
    reply = _Reply(
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


@dataclass(frozen=True)
class _Reply:
    kind: ReplyKind
    provider: Provider
    subject_id: int
    version: int | None
    answer: str
    attachments: list[tuple[str, str, bytes]]
    original: Attachment
    inbound_id: int
    received: date  # the day it reached the region: what a term is checked against
    as_of: date
    sent_at: datetime  # when the provider sent it: what decides which answer stands

    @property
    def by(self) -> str:
        """Who answered, as the registrations record it."""
        return f"{self.provider.contact_name} (per mail)"

    @property
    def attachment_names(self) -> str:
        return ", ".join(n for n, _, _ in self.attachments) or "geen bijlagen"


def _unmatched(handlers: list[str], reason: str) -> _Action:
    return _Action(
        InboundStatus.UNMATCHED,
        f"Niet gekoppeld: {reason}",
        [(h, WorkItemKind.UNMATCHED_POST, f"Post niet gekoppeld: {reason}") for h in handlers],
    )


def _staff_post(staff_key: str, provider: Provider, what: str, reply: _Reply) -> tuple:
    excerpt = " ".join(reply.answer.split())[:120]
    return (
        staff_key,
        WorkItemKind.PROVIDER_POST,
        f"Post van {provider.name} over {what}: '{excerpt or reply.attachment_names}' "
        "(de mail staat in het contractdossier)",
    )


def _data_reply(uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: _Reply) -> _Action:
    provider = reply.provider
    with uow_factory() as uow:
        meeting = uow.session.get(Meeting, reply.subject_id)
        officer = meeting.support_officer
        day = meeting_day(meeting)
    sheets = [a for a in reply.attachments if PurePath(a[0]).suffix.lower() == ".xlsx"]
    done: list[str] = []
    work: list[tuple] = []
    refused: list[tuple[str, InvalidInput]] = []
    for name, _, content in sheets:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "gegevensblad.xlsx"
            path.write_bytes(content)
            try:
                result = take_in_data_sheet(
                    uow_factory(),
                    cfg,
                    path,
                    reply.as_of,
                    name,
                    from_provider=provider.code,
                    sent_at=reply.sent_at,
                )
            except InvalidInput as error:
                record_refusal(uow_factory(), path, error, reply.as_of)
                refused.append((name, error))
                done.append(f"gegevensblad {name} afgekeurd ({error.total} fout(en))")
                continue
        done.append(
            {
                "accepted": f"gegevensblad {name} ingenomen ({result.quarter})",
                "unchanged": f"gegevensblad {name} was al ingenomen",
                "superseded": f"gegevensblad {name} ({result.quarter}) eerder verzonden dan "
                f"het ingenomen blad {result.standing} van "
                f"{stamp(result.standing_sent or reply.sent_at)}; dat blijft staan",
            }[result.status]
        )
    if refused:
        # one answer for the whole reply, however many sheets it carried
        _send_refusal(uow_factory, cfg, reply, meeting.id, day, refused)
        done.append("de aanbieder kreeg de fouten in één mail")
    points = agenda_points(reply.answer, with_sheet=bool(sheets))
    if points:
        _propose_points(uow_factory, meeting.id, points, reply)
        done.append(f"{len(points)} bespreekpunt(en) voorgesteld")
        work.append(
            (
                officer,
                WorkItemKind.AGENDA_POINTS,
                f"{len(points)} bespreekpunt(en) van {provider.name} voor het gesprek van "
                f"{day:%d-%m-%Y}: bevestigen met 'bespreekpunten-bevestigen'",
            )
        )
    if not sheets and not points:
        work.append(_staff_post(officer, provider, "de uitvraag van gegevens", reply))
        done.append("geen gegevensblad (.xlsx) en geen bespreekpunt; op de werkvoorraad")
    return _Action(InboundStatus.DONE, sentence("; ".join(done)), work)


def sentence(text: str) -> str:
    """``text`` with a capital first letter and the rest as written: file names and
    quarters keep their case ('2027-Q1', not '2027-q1')."""
    return text[:1].upper() + text[1:]


def _send_refusal(
    uow_factory: Callable[[], UnitOfWork],
    cfg: RegionConfig,
    reply: _Reply,
    meeting_id: int,
    day: date,
    refused: list[tuple[str, InvalidInput]],
) -> None:
    names = ", ".join(name for name, _ in refused)
    errors = sum(error.total for _, error in refused)
    with uow_factory() as uow:
        provider = uow.session.get(Provider, reply.provider.id)
        mail_with_event(
            uow.session,
            cfg,
            key=f"inbound:{reply.inbound_id}:refused",
            template="data_refused",
            context={
                "provider": provider,
                "region": cfg.region,
                "received": reply.received,
                "sheets": [
                    {
                        "file": name,
                        "title": error.title,
                        "problems": [str(p) for p in error.problems[:50]],
                        "more": max(0, error.total - 50),
                    }
                    for name, error in refused
                ],
                "meeting_day": day,
            },
            to=[provider.contact_email],
            subject=(
                f"Niet ingenomen: uw gegevensblad {names}"
                if len(refused) == 1
                else f"Niet ingenomen: uw {len(refused)} gegevensbladen ({names})"
            )[:200],
            provider_id=provider.id,
            kind=EventKind.DATA_RECEIVED,
            actor=ACTOR,
            as_of=reply.as_of,
            summary=f"Gegevensblad(en) {names} per mail afgekeurd ({errors} fout(en)); de "
            "fouten zijn de aanbieder in één mail gemaild",
            reply=ReplyTo.data_request(meeting_id, day),
        )
        uow.commit()


def _propose_points(
    uow_factory: Callable[[], UnitOfWork],
    meeting_id: int,
    points: list[str],
    reply: _Reply,
) -> None:
    with uow_factory() as uow:
        session = uow.session
        for n, text in enumerate(points, start=1):
            key = f"point:{meeting_id}:mail:{reply.inbound_id}:{n}"
            if session.scalar(select(AgendaPoint.id).where(AgendaPoint.key == key)):
                continue
            session.add(
                AgendaPoint(
                    key=key,
                    meeting_id=meeting_id,
                    text=text,
                    submitted_by=reply.by[:200],
                    status=PointStatus.PROPOSED,
                    inbound_id=reply.inbound_id,
                    sent_at=reply.sent_at,
                )
            )
        uow.commit()


def _minutes_reply(
    uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: _Reply
) -> _Action:
    provider = reply.provider
    with uow_factory() as uow:
        minutes = uow.session.get(Minutes, reply.subject_id)
        meeting = uow.session.get(Meeting, minutes.meeting_id)
        month, officer = meeting.meeting_month, meeting.support_officer
        minutes_due = minutes.reaction_due
    agreed = is_agreement(reply.answer)
    documents = [n for n, _, _ in reply.attachments if PurePath(n).suffix.lower() in CONTENT_KINDS]
    if not reply.answer.strip() and not documents:
        return _ask_again(
            uow_factory,
            cfg,
            reply,
            EventKind.MINUTES_REACTION,
            f"het verslag van het gesprek van {meeting_day(meeting):%d-%m-%Y}",
            "er stond geen tekst in en er zat geen document bij.",
            "Akkoord met het verslag? Antwoord dan met het woord 'akkoord'. Hebt u "
            "opmerkingen, schrijf ze dan in uw antwoord; de reactietermijn loopt door.",
            officer,
            minutes_due,
        )
    text = reply.answer or f"(geen tekst; bijlagen: {', '.join(documents)})"
    try:
        outcome = register_reaction(
            uow_factory(),
            cfg,
            provider.code,
            month,
            agreed,
            {} if agreed else {"Reactie per mail": text[:4000]},
            reply.by[:50],
            reply.received,
            original=reply.original,
            version=reply.version,
            sent_at=reply.sent_at,
        )
    except InvalidInput as error:
        return _Action(
            InboundStatus.DONE,
            f"Reactie op het verslag niet verwerkt: {error.problems[0].message}; op de "
            "werkvoorraad",
            [_staff_post(officer, provider, "het verslag", reply)],
        )
    said = {
        "final": "akkoord met het verslag: het verslag is definitief",
        "comments": "opmerkingen bij het verslag, doorgestuurd aan de ondersteuner",
        "unchanged": "deze reactie was al geregistreerd",
        "superseded": "reactie eerder verzonden dan een reactie die al geregistreerd is; "
        "die blijft staan (beide staan in het contractdossier)",
    }[outcome]
    return _Action(InboundStatus.DONE, said[0].upper() + said[1:])


def _meeting_reply(
    uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: _Reply
) -> _Action:
    provider = reply.provider
    with uow_factory() as uow:
        meeting = uow.session.get(Meeting, reply.subject_id)
        month, officer = meeting.meeting_month, meeting.support_officer
    if asks_for_copy(reply.answer):
        try:
            kind = send_copy(
                uow_factory(),
                cfg,
                provider.code,
                month,
                reply.by,
                reply.as_of,
                request_key=f"mail-{reply.inbound_id}",
            )
        except InvalidInput as error:
            return _Action(
                InboundStatus.DONE,
                f"Kopie van het verslag gevraagd, niet verstuurd: {error.problems[0].message}; "
                "op de werkvoorraad",
                [_staff_post(officer, provider, "het verslag", reply)],
            )
        word = {"final": "definitieve", "draft": "concept", "unchanged": "al verstuurde"}[kind]
        return _Action(
            InboundStatus.DONE, f"Kopie van het verslag gevraagd: {word} versie verstuurd"
        )
    return _Action(
        InboundStatus.DONE,
        "Post over het gesprek; op de werkvoorraad van de ondersteuner",
        [_staff_post(officer, provider, "het gesprek", reply)],
    )


def _step_reply(uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: _Reply) -> _Action:
    provider = reply.provider
    manager = provider.contract_manager
    with uow_factory() as uow:
        step = uow.session.get(EscalationStep, reply.subject_id)
        number = step.step
        objectionable = STEPS[number].objectionable
        objection_due = (
            add_working_days(step.taken_on, cfg.escalation.objection_working_days, cfg.calendar)
            if step.taken_on
            else None
        )
    if names_objection(reply.answer) and objectionable and not has_grounds(reply.answer):
        return _ask_again(
            uow_factory,
            cfg,
            reply,
            EventKind.OBJECTION,
            f"trede {number} van de escalatieladder",
            "u schrijft dat u bezwaar maakt, maar niet waarom.",
            "Stuur uw bezwaar opnieuw als antwoord op deze mail, met de gronden: wat is er "
            "volgens u onjuist aan de maatregel, en waarom.",
            manager,
            objection_due,
        )
    if names_objection(reply.answer) and objectionable:
        try:
            registered = register_objection(
                uow_factory(),
                cfg,
                reply.subject_id,
                reply.received,
                reply.answer[:4000],
                reply.by[:50],
                reply.as_of,
            )
        except InvalidInput as error:
            return _Action(
                InboundStatus.DONE,
                f"Bezwaar tegen trede {number} niet geregistreerd: "
                f"{error.problems[0].message}; op de werkvoorraad",
                [_staff_post(manager, provider, f"trede {number}", reply)],
            )
        return _Action(
            InboundStatus.DONE,
            f"Bezwaar tegen trede {number} geregistreerd, ontvangen {reply.received:%d-%m-%Y} "
            f"({'binnen' if registered.in_time else 'na'} de termijn)",
            [_staff_post(manager, provider, f"het bezwaar tegen trede {number}", reply)],
        )
    return _Action(
        InboundStatus.DONE,
        f"Post over trede {number}; op de werkvoorraad van de contractmanager",
        [_staff_post(manager, provider, f"trede {number}", reply)],
    )


def _amendment_reply(
    uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: _Reply
) -> _Action:
    """'akkoord' agrees; words of disadvantage object (with the answer as the reason);
    anything else, or an answer the term no longer admits, waits for the proposer."""
    provider = reply.provider
    with uow_factory() as uow:
        amendment = uow.session.get(Amendment, reply.subject_id)
        title, owner, due = amendment.title, amendment.proposed_by, amendment.reaction_due
    reading = read_reaction(reply.answer)
    if reading is None:
        return _Action(
            InboundStatus.DONE,
            f"Post over wijzigingsvoorstel '{title}'; niet als akkoord of bezwaar te lezen, "
            "op de werkvoorraad",
            [_staff_post(owner, provider, f"wijzigingsvoorstel '{title}'", reply)],
        )
    response, who = reading
    if response == PartyResponse.OBJECTS and not has_grounds(reply.answer):
        return _ask_again(
            uow_factory,
            cfg,
            reply,
            EventKind.AMENDMENT,
            f"het wijzigingsvoorstel '{title}'",
            "u schrijft dat u bezwaar hebt, maar niet welk nadeel de wijziging geeft en voor wie.",
            "Schrijf in uw antwoord wie er last van heeft (uw organisatie, uw cliënten of een "
            "gemeente) en waarom; zonder bezwaar antwoordt u met 'akkoord'.",
            owner,
            due,
        )
    try:
        outcome = register_amendment_reaction(
            uow_factory(),
            cfg,
            reply.subject_id,
            provider.code,
            response,
            who,
            reply.answer[:4000] if response == PartyResponse.OBJECTS else "",
            reply.received,
            reply.by[:50],
            reply.as_of,
            via="mail",
            sent_at=reply.sent_at,
        )
    except InvalidInput as error:
        return _Action(
            InboundStatus.DONE,
            f"Reactie op wijzigingsvoorstel '{title}' niet geregistreerd: "
            f"{error.problems[0].message}; op de werkvoorraad",
            [_staff_post(owner, provider, f"wijzigingsvoorstel '{title}'", reply)],
        )
    work = [_staff_post(owner, provider, f"wijzigingsvoorstel '{title}'", reply)]
    return _Action(
        InboundStatus.DONE,
        f"{outcome} (wijzigingsvoorstel '{title}')",
        work if response == PartyResponse.OBJECTS else [],
    )


def _ask_again(
    uow_factory: Callable[[], UnitOfWork],
    cfg: RegionConfig,
    reply: _Reply,
    kind: EventKind,
    about: str,
    missing: str,
    how: str,
    staff_key: str,
    due: date | None,
) -> _Action:
    """An answer that says too little to register: the provider is told what is missing
    (with the same reference, so the answer can be sent again as a reply), the term stays
    as it is, and the mail waits on the work list of the staff member concerned."""
    due = due if due is not None and due >= reply.as_of else None
    with uow_factory() as uow:
        provider = uow.session.get(Provider, reply.provider.id)
        mail_with_event(
            uow.session,
            cfg,
            key=f"inbound:{reply.inbound_id}:incomplete",
            template="answer_incomplete",
            context={
                "provider": provider,
                "region": cfg.region,
                "received": reply.received,
                "about": about,
                "missing": missing,
                "how": how,
                "due": due,
            },
            to=[provider.contact_email],
            subject=f"Niet geregistreerd: uw antwoord over {about}"[:200],
            provider_id=provider.id,
            kind=kind,
            actor=ACTOR,
            as_of=reply.as_of,
            summary=f"Antwoord over {about} niet geregistreerd: {missing} De aanbieder is "
            "gevraagd het aan te vullen",
            reply=ReplyTo(reply.kind, reply.subject_id, reply.version, subject=about),
        )
        uow.commit()
    return _Action(
        InboundStatus.DONE,
        f"Antwoord over {about} niet geregistreerd: {missing} De aanbieder is gevraagd het aan "
        "te vullen; op de werkvoorraad",
        [_staff_post(staff_key, reply.provider, about, reply)],
    )


def _application_reply(
    uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: _Reply
) -> _Action:
    with uow_factory() as uow:
        admission = uow.session.get(Admission, reply.subject_id)
        pending = admission is not None and admission.status == "pending"
    staff = [s.key for s in cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)]
    return _Action(
        InboundStatus.DONE,
        f"Post bij de aanvraag tot toetreding ({reply.attachment_names}); op de werkvoorraad "
        "van contractbeheer" + ("" if pending else " (de aanvraag is al besloten)"),
        [_staff_post(s, reply.provider, "de aanvraag tot toetreding", reply) for s in staff],
    )
