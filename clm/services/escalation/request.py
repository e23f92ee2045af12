"""Requesting an escalation step: checked against the ladder, the notice of default, the measure
and the dissolution date; taken at once up to step 2, waiting for approval from step 3."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from clm.errors import InputProblem, InvalidInput
from clm.rules.commands import StepRequest
from clm.rules.config import RegionConfig
from clm.rules.escalation import (
    APPROVAL_WINDOW_DAYS,
    STEPS,
    EvidenceItem,
    Termination,
    check_fine,
    check_move,
    revenue_window_text,
)
from clm.rules.vocabulary import ContractStatus, EscalationStatus, EventKind, StepStatus
from clm.services.common import provider_by_code
from clm.services.contracts import terms_by_provider
from clm.services.deadlines import step_terms as deadline_terms
from clm.services.subcontracting import main_contractor_of
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import Escalation, EscalationStep, Evidence, Provider

from .approval import lapse_request
from .take import regional_revenue, take_step


def _measure(req: StepRequest) -> str:
    """The measure as stored and shown: step 7 starts with its chosen termination."""
    if req.step == 7 and req.termination is not None:
        return req.termination.value + (f": {req.measure.strip()}" if req.measure.strip() else "")
    return req.measure


def _notice_of_default_passed(
    session: Session, escalation: Escalation | None, as_of: date
) -> list[InputProblem]:
    """Seed 004, step 4: payments are suspended "indien herstel uitblijft na
    ingebrekestelling": a notice of default (step 3) must have been taken and its recovery
    term passed. Without it, step 4 needs a recorded reason (skip_reason)."""
    notices = (
        []
        if escalation is None
        else session.scalars(
            select(EscalationStep).where(
                EscalationStep.escalation_id == escalation.id,
                EscalationStep.step == 3,
                EscalationStep.status.in_(
                    (StepStatus.ACTIVE, StepStatus.SUPERSEDED, StepStatus.SUSPENDED)
                ),
            )
        ).all()
    )
    terms = [deadline_terms(session, n.id) for n in notices]
    due = [t["recovery_due"] for t in terms if "recovery_due" in t]
    if any(d < as_of for d in due):
        return []
    why = (
        f"de hersteltermijn van de ingebrekestelling loopt nog tot en met {max(due):%d-%m-%Y}"
        if due
        else "er is geen ingebrekestelling (trede 3) verstuurd"
    )
    return [
        InputProblem(
            "parameters",
            f"trede 4 (opschorting) volgt als herstel uitblijft na een ingebrekestelling; {why}. "
            "Wacht die af, of leg vast waarom deze stap wordt overgeslagen (skip_reason)",
            column="skip_reason",
        )
    ]


def _same_amount(column: InstrumentedAttribute, value: Decimal | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _dissolution_within_term(
    session: Session, provider: Provider, ends_on: date, as_of: date
) -> list[InputProblem]:
    """A dissolution date falls within the term: after every running lot has ended there
    is nothing left to dissolve (the lots end by themselves)."""
    running = [
        t
        for t in terms_by_provider(session, [provider.id]).get(provider.id, [])
        if t.status == ContractStatus.ACTIVE and t.last_day() >= as_of
    ]
    if not running or any(ends_on <= t.last_day() for t in running):
        return []
    terms = ", ".join(f"{t.lot} t/m {t.last_day():%d-%m-%Y}" for t in running)
    return [
        InputProblem(
            "parameters",
            f"einddatum {ends_on:%d-%m-%Y} valt na het einde van elke looptijd ({terms}); dan "
            "eindigen de contracten vanzelf. Kies een datum binnen de looptijd, of 'geen "
            "verlenging'",
            column="ends_on",
        )
    ]


def request_step(uow: UnitOfWork, cfg: RegionConfig, req: StepRequest, as_of: date) -> int:
    """Record a requested step; steps 1 and 2 are taken at once, 3 and higher wait for a
    second person's approval. Returns the step's id (the existing one when the same request
    was made the same day). Refusals name the reason."""
    cfg.staff_member(req.requested_by)
    with uow:
        session = uow.session
        provider = provider_by_code(session, req.provider_code)
        escalation = session.scalar(
            select(Escalation).where(
                Escalation.provider_id == provider.id, Escalation.status == EscalationStatus.OPEN
            )
        )
        if escalation is not None:
            same = session.scalar(
                select(EscalationStep.id).where(
                    EscalationStep.escalation_id == escalation.id,
                    EscalationStep.step == req.step,
                    EscalationStep.reason == req.reason,
                    EscalationStep.requested_on == as_of,
                    # a different fine, reclaim or measure is another request: checked anew
                    _same_amount(EscalationStep.fine, req.fine),
                    _same_amount(EscalationStep.reclaim, req.reclaim),
                    EscalationStep.measure == req.measure,
                )
            )
            if same is not None:
                return same  # the same request on the same day again: nothing new
        known = (
            []
            if escalation is None
            else [
                EvidenceItem(e.kind, e.source, e.document)
                for e in session.scalars(
                    select(Evidence).where(Evidence.escalation_id == escalation.id)
                )
            ]
        )
        problems = check_move(
            escalation.current_step if escalation else None,
            req.step,
            req.reason,
            heard_on=req.heard_on or (escalation.heard_on if escalation else None),
            urgency=req.urgency or (escalation.urgency if escalation else ""),
            evidence=[*known, *req.evidence],
            termination=req.termination,
        )
        if req.heard_on is not None and req.heard_on > as_of:
            problems.append(
                InputProblem(
                    "parameters",
                    f"wederhoor op {req.heard_on:%d-%m-%Y} ligt na de peildatum "
                    f"{as_of:%d-%m-%Y}; leg een gehouden wederhoor vast",
                    column="heard_on",
                )
            )
        if req.fine is not None:
            problems += check_fine(
                req.fine,
                regional_revenue(session, provider.id, as_of),
                cfg.escalation,
                revenue_window_text(as_of),
            )
        pending = escalation and session.scalar(
            select(EscalationStep).where(
                EscalationStep.escalation_id == escalation.id,
                EscalationStep.status == StepStatus.AWAITING_APPROVAL,
            )
        )
        if pending and (as_of - pending.requested_on).days > APPROVAL_WINDOW_DAYS:
            # nobody decided within the window: that request lapsed, a new one may be made
            lapse_request(session, pending, provider, as_of, "niet besloten binnen de termijn")
            pending = None
        if pending:
            problems.append(InputProblem("parameters", "er wacht al een trede op goedkeuring"))
        if req.ends_on is not None and req.termination != Termination.DISSOLUTION:
            problems.append(
                InputProblem(
                    "parameters",
                    "een einddatum hoort alleen bij ontbinding (trede 7); laat hem anders leeg",
                    column="ends_on",
                )
            )
        elif req.ends_on is not None and req.ends_on < as_of:
            problems.append(
                InputProblem(
                    "parameters",
                    f"einddatum {req.ends_on:%d-%m-%Y} ligt vóór vandaag ({as_of:%d-%m-%Y}); "
                    "een contract wordt niet met terugwerkende kracht ontbonden",
                    column="ends_on",
                )
            )
        elif req.ends_on is not None:
            problems += _dissolution_within_term(session, provider, req.ends_on, as_of)
        main = main_contractor_of(session, provider.id, as_of)
        if main is not None:
            problems.append(
                InputProblem(
                    "parameters",
                    f"{provider.name} is onderaannemer van {main.name} ({main.code}) zonder eigen "
                    "contract; de hoofdaannemer staat voor zijn onderaannemers in: escaleer bij "
                    "de hoofdaannemer",
                    column="provider_code",
                )
            )
        if req.step == 4 and not req.skip_reason.strip():
            problems += _notice_of_default_passed(session, escalation, as_of)
        if problems:
            raise InvalidInput(problems, "Trede geweigerd, er is niets vastgelegd")
        if escalation is None:
            escalation = Escalation(
                provider_id=provider.id,
                opened_on=as_of,
                heard_on=req.heard_on,
                hearing_summary=req.hearing_summary,
                urgency=req.urgency,
            )
            session.add(escalation)
            session.flush()
            record_event(
                session,
                key=f"escalation:{escalation.id}:opened",
                provider_id=provider.id,
                kind=EventKind.ESCALATION_OPENED,
                actor=req.requested_by,
                as_of=as_of,
                summary="Escalatie geopend; "
                + (
                    f"wederhoor op {req.heard_on:%d-%m-%Y}: {req.hearing_summary}"
                    if req.heard_on
                    else f"spoed zonder wederhoor: {req.urgency}"
                ),
            )
        for item in req.evidence:
            session.add(
                Evidence(
                    escalation_id=escalation.id,
                    kind=item.kind,
                    source=item.source,
                    document=item.document,
                    recorded_by=req.requested_by,
                    recorded_on=as_of,
                )
            )
        step = EscalationStep(
            escalation_id=escalation.id,
            step=req.step,
            reason=req.reason,
            requested_by=req.requested_by,
            requested_on=as_of,
            status=StepStatus.AWAITING_APPROVAL
            if STEPS[req.step].needs_approval
            else StepStatus.ACTIVE,
            acute=req.acute,
            safety_or_fraud=req.safety_or_fraud,
            fine=req.fine,
            reclaim=req.reclaim,
            measure=_measure(req),
            recovery_days=req.recovery_days if req.step == 3 else None,
            skip_reason=req.skip_reason.strip() if req.step == 4 else "",
            ends_on=req.ends_on if req.step == 7 else None,
        )
        session.add(step)
        session.flush()
        record_event(
            session,
            key=f"escalation-step:{step.id}:requested",
            provider_id=provider.id,
            kind=EventKind.STEP_REQUESTED,
            actor=req.requested_by,
            as_of=as_of,
            summary=f"Trede {req.step} ({STEPS[req.step].name}) aangevraagd: {req.reason}",
        )
        if step.status == StepStatus.ACTIVE:
            take_step(session, cfg, escalation, step, provider, as_of, req.requested_by)
        uow.commit()
        return step.id
