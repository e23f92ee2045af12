"""Closing an escalation when its cause is resolved."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clm.rules.deadlines import Subject
from clm.rules.vocabulary import EscalationStatus, EventKind
from clm.services.common import provider_by_code
from clm.services.deadlines import close_deadlines
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import Escalation, EscalationStep


def close_escalation(
    uow: UnitOfWork, provider_code: str, reason: str, closed_by: str, as_of: date
) -> bool:
    """Close the provider's open escalation (recovered, or ended at step 7) with a reason."""
    with uow:
        session = uow.session
        provider = provider_by_code(session, provider_code)
        escalation = session.scalar(
            select(Escalation).where(
                Escalation.provider_id == provider.id, Escalation.status == EscalationStatus.OPEN
            )
        )
        if escalation is None:
            return False
        escalation.status, escalation.closed_on, escalation.close_reason = (
            EscalationStatus.CLOSED,
            as_of,
            reason,
        )
        steps = session.scalars(
            select(EscalationStep.id).where(EscalationStep.escalation_id == escalation.id)
        ).all()
        close_deadlines(session, Subject.ESCALATION_STEP, steps, as_of)
        record_event(
            session,
            key=f"escalation:{escalation.id}:closed",
            provider_id=provider.id,
            kind=EventKind.ESCALATION_CLOSED,
            actor=closed_by,
            as_of=as_of,
            summary=f"Escalatie gesloten: {reason}",
        )
        uow.commit()
        return True
