"""The terms of the escalation ladder as deadlines: written when a step is taken, reminded
before and signalled after by the deadline sweep (the step's letter names them)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from clm.rules import labels
from clm.rules.config import RegionConfig
from clm.rules.deadlines import STEP_TERMS, DeadlineKind, Subject
from clm.rules.escalation import (
    STEPS,
    StepTerms,
)
from clm.rules.vocabulary import EscalationStatus, EventKind, SignalKind, StepStatus
from clm.services.deadlines import (
    WAIT,
    KindRules,
    set_deadline,
    sweep,
)
from clm.storage.db import UnitOfWork
from clm.storage.models import (
    Deadline,
    Escalation,
    EscalationStep,
    Provider,
)
from clm.storage.notify import mail_with_event
from clm.storage.signals import raise_signal


def set_term_deadlines(
    session: Session,
    cfg: RegionConfig,
    step: EscalationStep,
    provider: Provider,
    terms: StepTerms,
) -> None:
    """The step's terms as deadlines. The objection term is the provider's right, not an
    obligation: it is kept (the objection check reads it) but never reminded or signalled;
    the review of a plan is the contract manager's own term."""
    days = cfg.escalation.reminder_working_days
    for name, due in vars(terms).items():
        if due is None:
            continue
        kind = DeadlineKind(name)
        set_deadline(
            session,
            kind,
            Subject.ESCALATION_STEP,
            step.id,
            due,
            provider_id=provider.id,
            owner=provider.contract_manager if kind == DeadlineKind.REVIEW else "provider",
            remind_before=[] if kind == DeadlineKind.OBJECTION else [days],
        )


def _step_subject(session: Session, deadline: Deadline) -> object:
    step = session.get(EscalationStep, deadline.subject_id)
    escalation = session.get(Escalation, step.escalation_id) if step else None
    if step is None or escalation is None or escalation.status != EscalationStatus.OPEN:
        return None
    if step.status == StepStatus.SUSPENDED:
        return WAIT  # an objection holds the measure; it may stand again
    if step.status != StepStatus.ACTIVE:
        return None
    return step, session.get(Provider, escalation.provider_id)


def _term_reminder(
    session: Session,
    cfg: RegionConfig,
    deadline: Deadline,
    subject: tuple[EscalationStep, Provider],
    _offset: int,
    as_of: date,
) -> None:
    step, provider = subject
    name, due = deadline.kind, deadline.due_on
    region_term = name == DeadlineKind.REVIEW  # the region's own work: to the manager
    manager = cfg.staff_by_key.get(provider.contract_manager)
    label = labels.ESCALATION_TERMS[name]
    mail_with_event(
        session,
        cfg,
        key=f"escalation-step:{step.id}:{name}:reminder",
        template="escalation_reminder",
        context={
            "provider": provider,
            "step": step,
            "info": STEPS[step.step],
            "label": label,
            "due": due,
            "region": cfg.region,
            "manager": manager,
            "to_staff": region_term,
        },
        to=[manager.email]
        if region_term and manager
        else [provider.board_email or provider.contact_email],
        cc=[] if region_term else [provider.contact_email],
        provider_id=provider.id,
        subject=f"Herinnering: termijn {label} {due:%d-%m-%Y}",
        kind=EventKind.REMINDER,
        actor="daily-sweep",
        as_of=as_of,
        summary=f"Herinnering termijn {label} (trede {step.step}), uiterlijk {due:%d-%m-%Y}",
    )


def _term_passed(
    session: Session,
    cfg: RegionConfig,
    deadline: Deadline,
    subject: tuple[EscalationStep, Provider],
    as_of: date,
) -> bool:
    """A provider's term passed: one signal. The region's review and the provider's right
    to object raise none."""
    if deadline.kind in (DeadlineKind.REVIEW, DeadlineKind.OBJECTION):
        return True
    step, provider = subject
    label = labels.ESCALATION_TERMS[deadline.kind]
    raise_signal(
        session,
        cfg,
        key=f"escalation-step:{step.id}:{deadline.kind}:signal",
        provider=provider,
        kind=SignalKind.TIMELINESS,
        source="daily-sweep: escalatie",
        description=f"Termijn {label} bij trede {step.step} verstreken "
        f"({deadline.due_on:%d-%m-%Y})",
        as_of=as_of,
        subject=f"Signaal: termijn {label} {provider.name} verstreken",
    )
    return True


TERM_RULES = KindRules(
    load=_step_subject,
    remind=_term_reminder,
    lapse=_term_passed,
    reminder_days=lambda cfg: cfg.escalation.reminder_working_days,
    key_prefixes=("escalation-step:",),
)


STEP_TERM_RULES = {kind: TERM_RULES for kind in STEP_TERMS}


def sweep_escalation_terms(uow: UnitOfWork, cfg: RegionConfig, as_of: date) -> tuple[int, int]:
    """Before each term of an active step a reminder, after it a signal; each once.
    Returns (reminders, signals) sent now."""
    count = sweep(uow, cfg, as_of, STEP_TERM_RULES)
    reminders, _ = count.of(*STEP_TERMS)
    # the lapse of a review or objection term is silent: only signals are counted
    signals = sum(
        n for k, n in count.lapsed.items() if k not in (DeadlineKind.REVIEW, DeadlineKind.OBJECTION)
    )
    return reminders, signals
