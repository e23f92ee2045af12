"""What the reply handlers share: the reply as matched, the outcome they return, the work
items they leave, and the mail that asks a provider for what its answer lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from clm.rules.config import RegionConfig
from clm.rules.replies import ReplyKind
from clm.rules.vocabulary import EventKind, InboundStatus, WorkItemKind
from clm.storage.db import UnitOfWork
from clm.storage.mail import Attachment
from clm.storage.models import Provider
from clm.storage.notify import ReplyTo, mail_with_event

ACTOR = "postvak"


@dataclass
class Action:
    status: InboundStatus
    outcome: str
    work: list[tuple[str, WorkItemKind, str]] = field(default_factory=list)  # staff, kind, title


@dataclass(frozen=True)
class Reply:
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


def unmatched(handlers: list[str], reason: str) -> Action:
    return Action(
        InboundStatus.UNMATCHED,
        f"Niet gekoppeld: {reason}",
        [(h, WorkItemKind.UNMATCHED_POST, f"Post niet gekoppeld: {reason}") for h in handlers],
    )


def staff_post(staff_key: str, provider: Provider, what: str, reply: Reply) -> tuple:
    excerpt = " ".join(reply.answer.split())[:120]
    return (
        staff_key,
        WorkItemKind.PROVIDER_POST,
        f"Post van {provider.name} over {what}: '{excerpt or reply.attachment_names}' "
        "(de mail staat in het contractdossier)",
    )


def sentence(text: str) -> str:
    """``text`` with a capital first letter and the rest as written: file names and
    quarters keep their case ('2027-Q1', not '2027-q1')."""
    return text[:1].upper() + text[1:]


def ask_again(
    uow_factory: Callable[[], UnitOfWork],
    cfg: RegionConfig,
    reply: Reply,
    kind: EventKind,
    about: str,
    missing: str,
    how: str,
    staff_key: str,
    due: date | None,
) -> Action:
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
    return Action(
        InboundStatus.DONE,
        f"Antwoord over {about} niet geregistreerd: {missing} De aanbieder is gevraagd het aan "
        "te vullen; op de werkvoorraad",
        [staff_post(staff_key, reply.provider, about, reply)],
    )
