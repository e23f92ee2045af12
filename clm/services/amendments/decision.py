"""An amendment decided when its term to react is over: applied on its date or deferred to the
next procurement moment (seed 003); the deadline's rules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clm.rules.amendments import AmendmentStatus, Disadvantaged, PartyResponse, decision
from clm.rules.config import RegionConfig
from clm.rules.vocabulary import EventKind
from clm.services.deadlines import KindRules
from clm.storage.models import Amendment, AmendmentParty, ContractTerm, Deadline, Provider
from clm.storage.notify import mail_with_event

from .in_force import TERMS_CACHE
from .letters import mail_provider


def _decide(
    session: Session, cfg: RegionConfig, deadline: Deadline, amendment: Amendment, as_of: date
) -> bool:
    """The reaction term has passed: apply or defer, tell everyone consulted."""
    parties = session.execute(
        select(AmendmentParty, Provider)
        .join(Provider, Provider.id == AmendmentParty.provider_id)
        .where(AmendmentParty.amendment_id == amendment.id)
        .order_by(Provider.code)
    ).all()
    outcome = decision([PartyResponse(p.response) for p, _ in parties])
    amendment.status, amendment.decided_on = outcome, as_of
    # to providers the objections are listed by who is disadvantaged and why, not by name
    objections = [
        "nadeel voor "
        + ", ".join(Disadvantaged(d).label for d in p.disadvantaged)
        + f": {p.reason}"
        for p, _ in parties
        if p.response == PartyResponse.OBJECTS
    ]
    if outcome == AmendmentStatus.APPLIED:
        version = (
            session.scalar(
                select(func.max(ContractTerm.version)).where(
                    ContractTerm.change_kind == amendment.change_kind,
                    ContractTerm.target == amendment.target,
                )
            )
            or 0
        ) + 1
        session.add(
            ContractTerm(
                change_kind=amendment.change_kind,
                target=amendment.target,
                version=version,
                value=amendment.new_value or amendment.description,
                lots=amendment.lots,
                effective_from=amendment.effective_on,
                amendment_id=amendment.id,
                recorded_on=as_of,
            )
        )
        for key in [k for k in session.info if isinstance(k, tuple) and k[0] == TERMS_CACHE]:
            del session.info[key]  # the terms in force changed in this unit of work
    else:
        amendment.deferred_to = cfg.contracts.next_procurement_on
    for _party, provider in parties:
        mail_provider(session, cfg, amendment, provider, outcome, as_of, "daily-sweep", objections)
    staff = cfg.staff_by_key.get(amendment.proposed_by)
    if staff is not None:
        named = [
            f"{provider.name} ({provider.code}): "
            + ", ".join(Disadvantaged(d).label for d in p.disadvantaged)
            + f" – {p.reason}"
            for p, provider in parties
            if p.response == PartyResponse.OBJECTS
        ]
        mail_with_event(
            session,
            cfg,
            key=f"amendment:{amendment.id}:{outcome}:staff",
            template="amendment_staff",
            context={
                "amendment": amendment,
                "status_label": AmendmentStatus(outcome).label,
                "named": named,
                "consulted": len(parties),
                "answered": sum(p.response != PartyResponse.PENDING for p, _ in parties),
                "region": cfg.region,
                "staff": staff,
            },
            to=[staff.email],
            subject=f"Wijzigingsvoorstel {AmendmentStatus(outcome).label}: {amendment.title}",
            provider_id=None,
            kind=EventKind.AMENDMENT,
            actor="daily-sweep",
            as_of=as_of,
            summary="",
        )
    return True


def _load(session: Session, deadline: Deadline) -> Amendment | None:
    amendment = session.get(Amendment, deadline.subject_id)
    if amendment is None or amendment.status != AmendmentStatus.CONSULTING:
        return None
    return amendment


AMENDMENT_RULES = KindRules(
    load=_load,
    lapse=_decide,
    key_prefixes=("amendment:",),
)
