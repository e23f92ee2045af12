"""Step 7 of the escalation ladder acting on the register, and undone when withdrawn."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.rules.config import RegionConfig
from clm.rules.contracts import Term, term_text
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.vocabulary import ContractStatus, EventKind
from clm.services.contracts.terms import plan_decision, term_of
from clm.services.deadlines import close_deadlines
from clm.storage.dossier import record_event
from clm.storage.models import Contract, Provider


def end_contracts(
    session: Session,
    provider: Provider,
    *,
    dissolve_on: date | None,
    step_id: int,
    actor: str,
    as_of: date,
) -> list[Term]:
    """Step 7 acts on the register: without ``dissolve_on`` no further option year is taken
    (each running lot ends at the end of its term); with it every running lot ends on that
    day. Returns the terms as they now stand, for the letter."""
    why = f"escalatie trede 7 (#{step_id})"
    changed: list[Term] = []
    for contract in session.scalars(
        select(Contract)
        .where(
            Contract.provider_id == provider.id,
            Contract.status == ContractStatus.ACTIVE,
        )
        .order_by(Contract.lot)
    ):
        if term_of(contract).last_day() < as_of:
            continue  # a term that already ended is not touched
        if dissolve_on is not None and dissolve_on <= term_of(contract).last_day():
            contract.status = ContractStatus.DISSOLVED
            contract.ended_on = max(dissolve_on, contract.start_on)
        else:
            # not renewed; a term that ends before the dissolution date ends with its term
            contract.status = ContractStatus.NOT_RENEWED
        contract.end_reason = why
        contract.updated_on = as_of
        close_deadlines(
            session, Subject.CONTRACT, [contract.id], as_of, [DeadlineKind.OPTION_DECISION]
        )
        term = term_of(contract)
        record_event(
            session,
            key=f"contract-ended:{contract.id}:{step_id}",
            provider_id=provider.id,
            kind=EventKind.CONTRACT_ENDED,
            actor=actor,
            as_of=as_of,
            summary=f"{term_text(term, as_of)} ({why})",
        )
        changed.append(term)
    return changed


def restore_contracts(
    session: Session, cfg: RegionConfig, provider: Provider, step_id: int, actor: str, as_of: date
) -> int:
    """Undo :func:`end_contracts` for a step 7 that was withdrawn: the lots it ended run on,
    and their option decisions are planned again."""
    why = f"escalatie trede 7 (#{step_id})"
    count = 0
    for contract in session.scalars(
        select(Contract).where(Contract.provider_id == provider.id, Contract.end_reason == why)
    ):
        contract.status, contract.ended_on, contract.end_reason = ContractStatus.ACTIVE, None, ""
        contract.updated_on = as_of
        plan_decision(session, cfg, contract, provider.contract_manager)
        record_event(
            session,
            key=f"contract-restored:{contract.id}:{step_id}",
            provider_id=provider.id,
            kind=EventKind.CONTRACT_REGISTERED,
            actor=actor,
            as_of=as_of,
            summary=f"Trede 7 ingetrokken: {term_text(term_of(contract), as_of)}",
        )
        count += 1
    return count
