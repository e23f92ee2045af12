"""A mail to a provider (or staff) and its entry in the contract dossier, written together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from clm.documents.rendering import render
from clm.rules.config import RegionConfig
from clm.rules.replies import ReplyKind, reference_label, reference_token, subject_with_reference
from clm.rules.vocabulary import EventKind
from clm.storage import dossier, outbox
from clm.storage.db import add_row
from clm.storage.dossier import record_event
from clm.storage.mail import Attachment
from clm.storage.models import MailReference
from clm.storage.outbox import enqueue


@dataclass(frozen=True)
class ReplyTo:
    """What an answer to a mail belongs to: the reference the mail carries points here."""

    kind: ReplyKind
    subject_id: int
    version: int | None = None  # of the minutes
    subject: str = ""  # in words, for the mail's footer: "het verslag van 14-04-2027"

    @classmethod
    def data_request(cls, meeting_id: int, day: date) -> ReplyTo:
        """An answer with the data for the meeting on ``day`` (request, reminder, receipt,
        refusal: a corrected sheet replaces the earlier one)."""
        return cls(
            ReplyKind.DATA_REQUEST,
            meeting_id,
            subject=f"de uitvraag voor het gesprek van {day:%d-%m-%Y}",
        )

    @classmethod
    def meeting(cls, meeting_id: int, day: date) -> ReplyTo:
        """An answer about the meeting on ``day`` (final agenda, final minutes, a copy)."""
        return cls(ReplyKind.MEETING, meeting_id, subject=f"het gesprek van {day:%d-%m-%Y}")


@dataclass
class KnownKeys:
    """Outbox and dossier keys of a batch, loaded once instead of one look-up per row."""

    outbox: set[str]
    dossier: set[str]
    # the key prefixes loaded; empty: the caller vouches that every key it uses is covered
    prefixes: tuple[str, ...] = ()

    @classmethod
    def load(cls, session: Session, prefix: str) -> KnownKeys:
        return cls(outbox.existing_keys(session, prefix), dossier.existing_keys(session, prefix))

    @classmethod
    def load_many(cls, session: Session, prefixes: tuple[str, ...]) -> KnownKeys:
        """The keys under several prefixes; only keys under them are answered from memory."""
        known = cls(set(), set(), prefixes)
        for prefix in prefixes:
            known.outbox |= outbox.existing_keys(session, prefix)
            known.dossier |= dossier.existing_keys(session, prefix)
        return known

    def covers(self, key: str) -> bool:
        return not self.prefixes or key.startswith(self.prefixes)


# A batch (the deadline sweep) may leave its KnownKeys here for the calls it makes.
SESSION_KNOWN_KEYS = "clm.known_keys"


def mail_with_event(
    session: Session,
    cfg: RegionConfig,
    *,
    key: str,
    template: str,
    context: dict[str, Any],
    to: list[str],
    subject: str,
    provider_id: int | None,
    kind: EventKind,
    actor: str,
    as_of: date,
    summary: str,
    cc: list[str] | None = None,
    attachments: list[Attachment] | None = None,
    known: KnownKeys | None = None,
    reply: ReplyTo | None = None,
) -> bool:
    """Put ``mail/<template>.{txt,html}.j2`` in the outbox under ``key`` and record a dossier
    event with the same key, in the caller's transaction. False if the key was known.
    A mail about no provider (``provider_id`` None, say to a staff member) has no dossier event.

    ``known`` holds the outbox and dossier keys a batch loaded once (:class:`KnownKeys`).
    Subjects are composed with names from the register; their whitespace is folded, so a line
    break in a name can neither break nor inject into the header (``enqueue`` refuses them).

    A mail that expects an answer (``reply``) carries a reference in its subject and reply
    address, and a footer that says how to answer (:mod:`clm.rules.replies`).
    """
    subject = " ".join(subject.split())
    known = known or session.info.get(SESSION_KNOWN_KEYS)
    if known is not None and not known.covers(key):
        known = None  # a key outside what the batch loaded: ask the database
    text = render(f"mail/{template}.txt.j2", **context)
    html = render(f"mail/{template}.html.j2", **context)
    token = None
    if reply is not None and provider_id is not None:
        token = reference_token(key)
        subject = subject_with_reference(subject, token)
        footer = {
            "kind": reply.kind.value,
            "label": reference_label(token),
            "subject": reply.subject or reply.kind.label,
        }
        text = text.rstrip("\n") + "\n" + render("mail/_reply.txt.j2", **footer)
        closing = html.rfind("</body>")
        html_footer = render("mail/_reply.html.j2", **footer)
        html = html[:closing] + html_footer + html[closing:] if closing >= 0 else html + html_footer
    added = enqueue(
        session,
        key=key,
        sender=cfg.mail,
        to=to,
        cc=cc,
        subject=subject,
        text=text,
        html=html,
        provider_id=provider_id,
        attachments=attachments,
        known_keys=known.outbox if known else None,
        reference=token,
    )
    if added and token is not None and reply is not None and provider_id is not None:
        add_row(
            session,
            MailReference,
            {
                "token": token,
                "kind": reply.kind,
                "subject_id": reply.subject_id,
                "version": reply.version,
                "provider_id": provider_id,
                "outbox_key": key,
                "created_on": as_of,
            },
        )
    if added and provider_id is not None:
        record_event(
            session,
            key=key,
            provider_id=provider_id,
            kind=kind,
            actor=actor,
            as_of=as_of,
            summary=summary,
            data={"outbox_key": key, "subject": subject},
            known_keys=known.dossier if known else None,
        )
    return added
