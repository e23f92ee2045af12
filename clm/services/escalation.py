"""Use cases of the escalation ladder: request a step (with approval from step 3), take it
(letter, terms, dossier), objections, the sweep's reminders and signals, closing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Float, cast, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from clm.documents.pdf import html_to_pdf
from clm.documents.rendering import format_euro, render
from clm.errors import InputProblem, InvalidInput
from clm.rules import labels
from clm.rules.commands import StepRequest
from clm.rules.config import RegionConfig
from clm.rules.contracts import Term
from clm.rules.deadlines import Subject
from clm.rules.escalation import (
    APPROVAL_WINDOW_DAYS,
    EVIDENCE_LABELS,
    STEPS,
    EvidenceItem,
    EvidenceKind,
    Termination,
    check_fine,
    check_move,
    revenue_window,
    revenue_window_text,
    step_terms,
)
from clm.rules.replies import ReplyKind
from clm.rules.vocabulary import ContractStatus, EscalationStatus, EventKind, StepStatus
from clm.services.classification import raise_contact_frequency
from clm.services.common import provider_by_code
from clm.services.contracts import end_contracts, terms_by_provider
from clm.services.deadlines import (
    close_deadlines,
)
from clm.services.deadlines import step_terms as deadline_terms
from clm.services.escalation_terms import set_term_deadlines
from clm.services.subcontracting import main_contractor_of
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.mail import Attachment
from clm.storage.models import (
    Declaration,
    DossierDocument,
    Escalation,
    EscalationStep,
    Evidence,
    Provider,
)
from clm.storage.notify import ReplyTo, mail_with_event


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


def regional_revenue(session: Session, provider_id: int, as_of: date) -> Decimal:
    """The provider's declared revenue in the region over the fine's window (the twelve
    complete months before the month of ``as_of``, :func:`clm.escalation.revenue_window`)."""
    start, end = revenue_window(as_of)
    total = session.scalar(
        select(func.coalesce(func.sum(cast(Declaration.amount, Float)), 0)).where(
            Declaration.provider_id == provider_id,
            Declaration.period >= start,
            Declaration.period <= end,
        )
    )
    return Decimal(str(total)).quantize(Decimal("0.01"))


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
            _lapse(session, pending, provider, as_of, "niet besloten binnen de termijn")
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
            _take(session, cfg, escalation, step, provider, as_of, req.requested_by)
        uow.commit()
        return step.id


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


def _lapse(
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
        _lapse(uow.session, step, uow.session.get(Provider, escalation.provider_id), as_of, why)
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
            _take(session, cfg, escalation, step, provider, as_of, decided_by)
        else:
            step.status = StepStatus.REJECTED
        uow.commit()
        return step.status


def _take(
    session: Session,
    cfg: RegionConfig,
    escalation: Escalation,
    step: EscalationStep,
    provider: Provider,
    as_of: date,
    actor: str,
) -> None:
    """The step takes effect: terms, the letter to the board, the dossier."""
    for earlier in session.scalars(
        select(EscalationStep).where(
            EscalationStep.escalation_id == escalation.id,
            EscalationStep.id != step.id,
            EscalationStep.status.in_((StepStatus.ACTIVE, StepStatus.SUSPENDED)),
        )
    ):
        earlier.status = StepStatus.SUPERSEDED
        close_deadlines(session, Subject.ESCALATION_STEP, [earlier.id], as_of)
    terms = step_terms(
        step.step,
        as_of,
        cfg.escalation,
        cfg.calendar,
        acute=step.acute,
        recovery_days=step.recovery_days,
    )
    if step.step == 1:
        raise_contact_frequency(session, cfg, provider, as_of, step.requested_by)
    step.taken_on = as_of
    set_term_deadlines(session, cfg, step, provider, terms)
    escalation.current_step = step.step
    evidence = session.scalars(
        select(Evidence).where(Evidence.escalation_id == escalation.id)
    ).all()
    manager = cfg.staff_by_key.get(provider.contract_manager)
    contracts: list[Term] = []
    if step.step == 7:
        dissolving = step.measure.startswith(Termination.DISSOLUTION.value)
        contracts = end_contracts(
            session,
            provider,
            dissolve_on=max(step.ends_on or as_of, as_of) if dissolving else None,
            step_id=step.id,
            actor=actor,
            as_of=as_of,
        )
    context = {
        "region": cfg.region,
        "provider": provider,
        "step": step,
        "contracts": contracts,
        "info": STEPS[step.step],
        "terms": terms,
        "as_of": as_of,
        "manager": manager,
        "evidence": evidence,
        "evidence_labels": EVIDENCE_LABELS,
        "term_labels": labels.ESCALATION_TERMS,
        "revenue": regional_revenue(session, provider.id, as_of),
        "revenue_window": revenue_window_text(as_of),
    }
    pdf = html_to_pdf(render("letters/escalation_step.html.j2", **context))
    key = f"escalation-step:{step.id}:letter"
    name = f"trede-{step.step}-{provider.code}-{as_of:%Y%m%d}.pdf"
    session.add(
        DossierDocument(
            event_key=key,
            provider_id=provider.id,
            filename=name,
            content_type="application/pdf",
            content=pdf,
        )
    )
    mail_with_event(
        session,
        cfg,
        key=key,
        template="escalation_step",
        reply=ReplyTo(
            ReplyKind.ESCALATION_STEP,
            step.id,
            subject=f"de brief over trede {step.step} ({STEPS[step.step].name})",
        ),
        context=context,
        to=[provider.board_email or provider.contact_email],
        cc=[provider.contact_email] + ([manager.email] if manager else []),
        subject=f"{STEPS[step.step].name} – {provider.name}",
        provider_id=provider.id,
        kind=EventKind.STEP_TAKEN,
        actor=actor,
        as_of=as_of,
        summary=f"Trede {step.step} ({STEPS[step.step].name}) genomen; brief aan het bestuur"
        + "".join(
            f"; {labels.ESCALATION_TERMS[k]} uiterlijk {v:%d-%m-%Y}"
            for k, v in vars(terms).items()
            if v is not None
        ),
        attachments=[Attachment(name, "application/pdf", pdf)],
    )


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
