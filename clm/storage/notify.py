"""A mail to a provider (or staff) and its entry in the contract dossier, written together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from clm.documents.rendering import render
from clm.rules.config import RegionConfig
from clm.rules.vocabulary import EventKind
from clm.storage import dossier, outbox
from clm.storage.dossier import record_event
from clm.storage.mail import Attachment
from clm.storage.outbox import enqueue


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
) -> bool:
    """Put ``mail/<template>.{txt,html}.j2`` in the outbox under ``key`` and record a dossier
    event with the same key, in the caller's transaction. False if the key was known.
    A mail about no provider (``provider_id`` None, say to a staff member) has no dossier event.

    ``known`` holds the outbox and dossier keys a batch loaded once (:class:`KnownKeys`).
    Subjects are composed with names from the register; their whitespace is folded, so a line
    break in a name can neither break nor inject into the header (``enqueue`` refuses them).
    """
    subject = " ".join(subject.split())
    known = known or session.info.get(SESSION_KNOWN_KEYS)
    if known is not None and not known.covers(key):
        known = None  # a key outside what the batch loaded: ask the database
    added = enqueue(
        session,
        key=key,
        sender=cfg.mail,
        to=to,
        cc=cc,
        subject=subject,
        text=render(f"mail/{template}.txt.j2", **context),
        html=render(f"mail/{template}.html.j2", **context),
        provider_id=provider_id,
        attachments=attachments,
        known_keys=known.outbox if known else None,
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
