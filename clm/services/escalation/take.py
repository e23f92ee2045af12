"""Taking an escalation step: its letter, the terms that follow from it, the dossier event; the
regional revenue a fine is measured against."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from clm.documents.pdf import html_to_pdf
from clm.documents.rendering import render
from clm.rules import labels
from clm.rules.config import RegionConfig
from clm.rules.contracts import Term
from clm.rules.deadlines import Subject
from clm.rules.escalation import (
    EVIDENCE_LABELS,
    STEPS,
    Termination,
    revenue_window,
    revenue_window_text,
    step_terms,
)
from clm.rules.replies import ReplyKind
from clm.rules.vocabulary import EventKind, StepStatus
from clm.services.classification import raise_contact_frequency
from clm.services.contracts import end_contracts
from clm.services.deadlines import close_deadlines
from clm.services.escalation_terms import set_term_deadlines
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


def take_step(
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
