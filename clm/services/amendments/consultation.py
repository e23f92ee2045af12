"""The consultation of an amendment: a provider's answer (the one sent last stands) and a
withdrawal before the decision."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import answered_at, as_utc, stamp
from clm.errors import InvalidInput
from clm.rules.amendments import AmendmentStatus, Disadvantaged, PartyResponse
from clm.rules.config import RegionConfig
from clm.rules.deadlines import Subject
from clm.rules.vocabulary import EventKind
from clm.services.deadlines import close_deadlines
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import Amendment, AmendmentParty, Provider

from .letters import mail_provider


def _amendment(session: Session, amendment_id: int) -> Amendment:
    """The amendment with this number, or a refusal naming the form's field."""
    amendment = session.get(Amendment, amendment_id)
    if amendment is None:
        raise InvalidInput.one("parameters", f"geen wijzigingsvoorstel met nummer {amendment_id}",
                               column="amendment_id", title="Onbekend voorstel")  # fmt: skip
    return amendment


def register_reaction(
    uow: UnitOfWork,
    cfg: RegionConfig,
    amendment_id: int,
    provider_code: str,
    response: PartyResponse,
    disadvantaged: list[Disadvantaged],
    reason: str,
    received_on: date,
    registered_by: str,
    as_of: date,
    via: str = "staff",
    sent_at: datetime | None = None,
) -> str:
    """A provider's answer to the consultation: agreement, or a statement that it, its
    clients or a municipality are disadvantaged (with the reason). The answer sent last
    within the term stands, whatever the order answers are registered in: ``sent_at`` is
    when a mail was sent (a form's answer: the end of ``received_on``). An earlier answer
    read later is kept in the dossier and changes nothing. Returns the outcome in words."""
    if response == PartyResponse.OBJECTS and not reason.strip():
        raise InvalidInput.one("parameters", "geef de reden van het nadeel", column="reason",
                               title="Reactie geweigerd")  # fmt: skip
    if response == PartyResponse.OBJECTS and not disadvantaged:
        raise InvalidInput.one("parameters", "wie heeft last van de wijziging: de aanbieder, "
                               "cliënten of een gemeente?", column="disadvantaged",
                               title="Reactie geweigerd")  # fmt: skip
    with uow:
        session = uow.session
        amendment = _amendment(session, amendment_id)
        party = session.scalar(
            select(AmendmentParty)
            .join(Provider, Provider.id == AmendmentParty.provider_id)
            .where(AmendmentParty.amendment_id == amendment_id, Provider.code == provider_code)
        )
        if party is None:
            raise InvalidInput.one("parameters", f"aanbieder {provider_code} is niet "
                                   f"geraadpleegd over '{amendment.title}'",
                                   column="provider_code", title="Reactie geweigerd")  # fmt: skip
        if amendment.status != AmendmentStatus.CONSULTING:
            label = AmendmentStatus(amendment.status).label
            raise InvalidInput.one("parameters", f"over '{amendment.title}' is al besloten "
                                   f"({label}); de reactie telt niet meer mee",
                                   column="amendment_id", title="Reactie te laat")  # fmt: skip
        if received_on > amendment.reaction_due:
            raise InvalidInput.one("parameters", f"ontvangen op {received_on:%d-%m-%Y}, na het "
                                   f"einde van de reactietermijn "
                                   f"({amendment.reaction_due:%d-%m-%Y})",
                                   column="received_on", title="Reactie te laat")  # fmt: skip
        who = sorted({Disadvantaged(d) for d in disadvantaged}) if response == "objects" else []
        same = (
            party.response == response
            and party.disadvantaged == [str(d) for d in who]
            and party.reason == reason.strip()
        )
        words = (
            "akkoord"
            if response == PartyResponse.AGREES
            else "nadeel voor " + ", ".join(d.label for d in who) + f": {reason.strip()}"
        )
        if same:
            return f"Reactie was al geregistreerd ({words})"
        moment = answered_at(sent_at, received_on)
        provider = session.get(Provider, party.provider_id)
        answer = f"{response}{who}{reason.strip()}{moment.isoformat()}"
        digest = hashlib.sha256(answer.encode()).hexdigest()[:10]
        standing = as_utc(party.answered_at) if party.answered_at else None
        heard = f"Reactie op wijzigingsvoorstel '{amendment.title}', verzonden {stamp(moment)}"
        if standing is not None and moment < standing:
            record_event(
                session,
                key=f"amendment:{amendment.id}:reaction:{provider.code}:{digest}",
                provider_id=provider.id,
                kind=EventKind.AMENDMENT,
                actor=registered_by,
                as_of=as_of,
                summary=f"{heard}: {words}. Eerder verzonden dan de reactie van "
                f"{stamp(standing)}; die blijft staan",
            )
            uow.commit()
            return (
                f"Reactie niet in de plaats van de staande gezet: eerder verzonden "
                f"({stamp(moment)}) dan de reactie van {stamp(standing)}, die blijft staan"
            )
        party.response, party.disadvantaged = response, [str(d) for d in who]
        party.reason, party.via, party.received_on = reason.strip(), via, received_on
        party.registered_by, party.answered_at = registered_by, moment
        record_event(
            session,
            key=f"amendment:{amendment.id}:reaction:{provider.code}:{digest}",
            provider_id=provider.id,
            kind=EventKind.AMENDMENT,
            actor=registered_by,
            as_of=as_of,
            summary=f"{heard}, ontvangen {received_on:%d-%m-%Y}: {words}. Deze reactie staat"
            + (f" (in de plaats van die van {stamp(standing)})" if standing else ""),
        )
        uow.commit()
        return f"Reactie geregistreerd: {words}"


def withdraw_amendment(
    uow: UnitOfWork, cfg: RegionConfig, amendment_id: int, reason: str, by: str, as_of: date
) -> bool:
    """Withdraw a proposal while it is in consultation; everyone consulted is told. False
    when it was withdrawn already."""
    cfg.staff_member(by)
    with uow:
        session = uow.session
        amendment = _amendment(session, amendment_id)
        if amendment.status == AmendmentStatus.WITHDRAWN:
            return False
        if amendment.status != AmendmentStatus.CONSULTING:
            label = AmendmentStatus(amendment.status).label
            raise InvalidInput.one("parameters", f"'{amendment.title}' is al {label}; intrekken "
                                   "kan alleen tijdens de consultatie", column="amendment_id",
                                   title="Intrekken niet mogelijk")  # fmt: skip
        amendment.status, amendment.decided_on = AmendmentStatus.WITHDRAWN, as_of
        amendment.withdrawn_reason = reason.strip()
        close_deadlines(session, Subject.AMENDMENT, [amendment.id], as_of)
        for provider in _consulted(session, amendment.id):
            mail_provider(session, cfg, amendment, provider, AmendmentStatus.WITHDRAWN, as_of, by)
        uow.commit()
        return True


def _consulted(session: Session, amendment_id: int) -> list[Provider]:
    return list(
        session.scalars(
            select(Provider)
            .join(AmendmentParty, AmendmentParty.provider_id == Provider.id)
            .where(AmendmentParty.amendment_id == amendment_id)
            .order_by(Provider.code)
        )
    )
