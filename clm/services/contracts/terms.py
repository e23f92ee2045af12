"""A stored contract as the pure rules see it, and its option decision as a deadline."""

from __future__ import annotations

from sqlalchemy.orm import Session

from clm.rules.config import RegionConfig
from clm.rules.contracts import Term
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.vocabulary import ContractStatus
from clm.services.deadlines import close_deadlines, set_deadline
from clm.storage.models import Contract


def term_of(contract: Contract) -> Term:
    """The contract as the pure rules see it."""
    return Term(
        lot=contract.lot,
        agreement=contract.agreement,
        start_on=contract.start_on,
        end_on=contract.end_on,
        option_years=contract.option_years,
        decide_by=contract.decide_by,
        status=ContractStatus(contract.status),
        ended_on=contract.ended_on,
    )


def plan_decision(session: Session, cfg: RegionConfig, contract: Contract, owner: str) -> None:
    """The option decision as a deadline while one is open; closed once there is none."""
    if term_of(contract).awaits_decision():
        set_deadline(
            session,
            DeadlineKind.OPTION_DECISION,
            Subject.CONTRACT,
            contract.id,
            contract.decide_by,  # type: ignore[arg-type]
            provider_id=contract.provider_id,
            owner=owner,
            remind_before=cfg.contracts.option_reminder_working_days,
        )
    else:
        close_deadlines(
            session,
            Subject.CONTRACT,
            [contract.id],
            contract.updated_on,
            [DeadlineKind.OPTION_DECISION],
        )
