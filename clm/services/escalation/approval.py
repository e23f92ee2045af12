"""The four-eyes decision on a step from step 3: what the approver sees, the decision, the run
that asks it, and a request that lapses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.errors import InvalidInput
from clm.numbers import format_euro
from clm.rules.config import RegionConfig
from clm.rules.escalation import EVIDENCE_LABELS, STEPS, EvidenceKind
from clm.rules.vocabulary import EventKind, StepStatus
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import Escalation, EscalationStep, Evidence, Provider

from .take import take_step


def step_status(uow: UnitOfWork, step_id: int) -> str:
    """The status of a step (awaiting_approval, active, rejected, suspended, superseded)."""
    with uow:
        step = uow.session.get(EscalationStep, step_id)
        return step.status if step else "unknown"


def set_approval_run(uow: UnitOfWork, step_id: int, run_id: str) -> None:
    """Remember the run whose Resume dialog decides this step (the work list links it)."""
    with uow:
        step = uow.session.get(EscalationStep, step_id)
        if step is not None and step.approval_run != run_id:
            step.approval_run = run_id
            uow.commit()


def lapse_request(
    session: Session, step: EscalationStep, provider: Provider, as_of: date, why: str
) -> None:
    step.status = StepStatus.EXPIRED
    record_event(
        session,
        key=f"escalation-step:{step.id}:expired",
        provider_id=provider.id,
        kind=EventKind.STEP_LAPSED,
        actor="escalation",
        as_of=as_of,
        summary=f"Aanvraag trede {step.step} vervallen: {why}",
    )


def lapse_step(uow: UnitOfWork, step_id: int, why: str, as_of: date) -> str:
    """Let a step that waits for approval lapse (no valid decision came), so that it never
    blocks the next request; returns the step's status afterwards."""
    with uow:
        step = uow.session.get(EscalationStep, step_id)
        if step is None or step.status != StepStatus.AWAITING_APPROVAL:
            return step.status if step else "unknown"
        escalation = uow.session.get(Escalation, step.escalation_id)
        lapse_request(
            uow.session, step, uow.session.get(Provider, escalation.provider_id), as_of, why
        )
        uow.commit()
        return step.status


def approval_context(uow: UnitOfWork, step_id: int, cfg: RegionConfig | None = None) -> str:
    """What the second person approves, in a few Markdown lines: provider, step, reason,
    hearing, evidence, fine and who asked (shown above the decision in the UI)."""
    with uow:
        session = uow.session
        step = session.get(EscalationStep, step_id)
        if step is None:
            return f"Onbekende trede {step_id}"
        escalation = session.get(Escalation, step.escalation_id)
        provider = session.get(Provider, escalation.provider_id)
        evidence = session.scalars(
            select(Evidence).where(Evidence.escalation_id == escalation.id)
        ).all()
    member = cfg.staff_by_key.get(step.requested_by) if cfg else None
    asker = f"{member.name} ({step.requested_by})" if member else step.requested_by
    lines = [
        f"**Aanbieder:** {provider.name} (AGB {provider.code})",
        f"**Trede {step.step}:** {STEPS[step.step].name}",
        f"**Aangevraagd door:** {asker} op {step.requested_on:%d-%m-%Y}",
        f"**Onderbouwing:** {step.reason}",
    ]
    if escalation.heard_on:
        lines.append(f"**Wederhoor:** {escalation.heard_on:%d-%m-%Y}: {escalation.hearing_summary}")
    elif escalation.urgency:
        lines.append(f"**Spoed zonder wederhoor:** {escalation.urgency}")
    for item in evidence:
        label = EVIDENCE_LABELS.get(EvidenceKind(item.kind), item.kind)
        lines.append(f"**Bewijs:** {label}: {item.source} ({item.document})")
    if step.fine is not None:
        lines.append(f"**Boete:** {format_euro(step.fine)}")
    if step.measure:
        lines.append(f"**Maatregel:** {step.measure}")
    return "\n\n".join(lines)


def decide_step(
    uow: UnitOfWork,
    cfg: RegionConfig,
    step_id: int,
    approve: bool,
    decided_by: str,
    remark: str,
    as_of: date,
) -> str:
    """A second person approves or rejects a step; returns the step's status afterwards."""
    cfg.staff_member(decided_by)
    with uow:
        session = uow.session
        step = session.get(EscalationStep, step_id)
        if step is None:
            raise InvalidInput.one(
                "parameters", f"onbekende trede {step_id}", title="Onbekende trede"
            )
        if step.status != StepStatus.AWAITING_APPROVAL:
            return step.status  # decided before: a rerun changes nothing
        if decided_by == step.requested_by:
            raise InvalidInput.one(
                "parameter decided_by",
                "goedkeuren doet een tweede persoon, niet de aanvrager",
                title="Goedkeuring geweigerd",
            )
        escalation = session.get(Escalation, step.escalation_id)
        provider = session.get(Provider, escalation.provider_id)
        step.decided_by, step.decided_on, step.decision_remark = decided_by, as_of, remark
        word = "goedgekeurd" if approve else "afgewezen"
        record_event(
            session,
            key=f"escalation-step:{step.id}:decided",
            provider_id=provider.id,
            kind=EventKind.STEP_DECIDED,
            actor=decided_by,
            as_of=as_of,
            summary=f"Trede {step.step} {word}" + (f": {remark}" if remark else ""),
        )
        if approve:
            step.status = StepStatus.ACTIVE
            take_step(session, cfg, escalation, step, provider, as_of, decided_by)
        else:
            step.status = StepStatus.REJECTED
        uow.commit()
        return step.status
