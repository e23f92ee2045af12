"""After a step is taken: the provider's objection (in time or late, suspending the measure
or not), the director-level talk it leads to and its outcome, and the registered mail of a
notice of default."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ
from clm.documents.ics import meeting_invite
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig, Role
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.escalation import (
    STEPS,
    judge_objection,
)
from clm.rules.vocabulary import EventKind, StepStatus
from clm.services.contracts import restore_contracts
from clm.services.deadlines import KindRules, close_deadlines, due_date, set_deadline
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.mail import Attachment
from clm.storage.models import (
    Deadline,
    Escalation,
    EscalationStep,
    Objection,
    Provider,
)
from clm.storage.notify import mail_with_event


@dataclass(frozen=True)
class RegisteredObjection:
    """An objection as registered: in time or not, suspending or not, and the term of the
    director-level talk (a deadline)."""

    id: int
    in_time: bool
    suspends: bool
    director_talk_due: date


def _registered(session: Session, objection: Objection) -> RegisteredObjection:
    due = due_date(session, DeadlineKind.DIRECTOR_TALK, Subject.OBJECTION, objection.id)
    return RegisteredObjection(objection.id, objection.in_time, objection.suspends, due)


def _add_to(
    session: Session,
    cfg: RegionConfig,
    step: EscalationStep,
    objection: Objection,
    received_on: date,
    summary: str,
    registered_by: str,
    as_of: date,
) -> None:
    """A further objection to a step: its text is added (once); received before the one on
    record, it is the first, so the term is judged again from its date."""
    text = summary.strip()
    if text in objection.summary:
        return
    first = received_on < objection.received_on
    addition = f"Ook ontvangen op {received_on:%d-%m-%Y}: {text}"
    objection.summary = (
        f"{text}\n\nOok ontvangen op {objection.received_on:%d-%m-%Y}: {objection.summary}"
        if first
        else f"{objection.summary}\n\n{addition}"
    )
    judged = ""
    if first:
        outcome = judge_objection(
            step.taken_on,
            received_on,
            safety_or_fraud=step.safety_or_fraud,
            rules=cfg.escalation,
            cal=cfg.calendar,
        )
        objection.received_on, objection.in_time = received_on, outcome.in_time
        if outcome.suspends_measure and not objection.suspends:
            objection.suspends, step.status = True, StepStatus.SUSPENDED
        judged = (
            f"; het bezwaar telt nu vanaf {received_on:%d-%m-%Y} "
            f"({'binnen' if outcome.in_time else 'na'} de termijn)"
        )
    escalation = session.get(Escalation, step.escalation_id)
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    record_event(
        session,
        key=f"escalation-step:{step.id}:objection:{digest}",
        provider_id=escalation.provider_id,
        kind=EventKind.OBJECTION,
        actor=registered_by,
        as_of=as_of,
        summary=f"Nog een bezwaar tegen trede {step.step} ontvangen op "
        f"{received_on:%d-%m-%Y}, bij het bezwaar gevoegd{judged}",
    )


def register_objection(
    uow: UnitOfWork,
    cfg: RegionConfig,
    step_id: int,
    received_on: date,
    summary: str,
    registered_by: str,
    as_of: date,
) -> RegisteredObjection:
    """The provider's written objection: in time or late, suspensive or not, with the
    deadline of the director-level talk. A second objection to the same step adds its
    text; the one received first decides the term, whatever the order of registration."""
    with uow:
        session = uow.session
        step = session.get(EscalationStep, step_id)
        if (
            step is None
            or step.status not in (StepStatus.ACTIVE, StepStatus.SUSPENDED)
            or step.taken_on is None
        ):
            raise InvalidInput.one(
                "parameters", "geen genomen trede met dit nummer", title="Bezwaar niet mogelijk"
            )
        if not STEPS[step.step].objectionable:
            raise InvalidInput.one(
                "parameters", "bezwaar kan vanaf trede 3", title="Bezwaar niet mogelijk"
            )
        existing = session.scalar(select(Objection).where(Objection.step_id == step.id))
        if existing is not None:
            _add_to(session, cfg, step, existing, received_on, summary, registered_by, as_of)
            registered = _registered(session, existing)
            uow.commit()
            return registered
        outcome = judge_objection(
            step.taken_on,
            received_on,
            safety_or_fraud=step.safety_or_fraud,
            rules=cfg.escalation,
            cal=cfg.calendar,
        )
        objection = Objection(
            step_id=step.id,
            received_on=received_on,
            in_time=outcome.in_time,
            suspends=outcome.suspends_measure,
            summary=summary,
        )
        session.add(objection)
        session.flush()
        if outcome.suspends_measure:
            step.status = StepStatus.SUSPENDED
        escalation = session.get(Escalation, step.escalation_id)
        provider = session.get(Provider, escalation.provider_id)
        set_deadline(
            session,
            DeadlineKind.DIRECTOR_TALK,
            Subject.OBJECTION,
            objection.id,
            outcome.director_talk_due,
            provider_id=provider.id,
            owner=provider.contract_manager,
            remind_before=[cfg.escalation.reminder_working_days],
        )
        _invite_director_talk(session, cfg, step, provider, outcome.director_talk_due, as_of)
        record_event(
            session,
            key=f"escalation-step:{step.id}:objection",
            provider_id=escalation.provider_id,
            kind=EventKind.OBJECTION,
            actor=registered_by,
            as_of=as_of,
            summary=f"Bezwaar tegen trede {step.step} ontvangen op {received_on:%d-%m-%Y} "
            f"({'binnen' if outcome.in_time else 'na'} de termijn); "
            f"de maatregel {'is opgeschort' if outcome.suspends_measure else 'loopt door'}"
            f"; gesprek op directieniveau uiterlijk {outcome.director_talk_due:%d-%m-%Y}",
        )
        registered = _registered(session, objection)
        uow.commit()
        return registered


def record_registered_mail(
    uow: UnitOfWork, step_id: int, tracking: str, recorded_by: str, as_of: date
) -> bool:
    """The registered-mail tracking number of a notice of default; False if already known."""
    tracking = tracking.strip()
    with uow:
        session = uow.session
        step = session.get(EscalationStep, step_id)
        if step is None or step.step != 3:
            raise InvalidInput.one(
                "parameter step_id",
                "geen ingebrekestelling met dit nummer",
                title="Onbekende trede",
            )
        if step.registered_mail == tracking:
            return False
        step.registered_mail = tracking
        escalation = session.get(Escalation, step.escalation_id)
        record_event(
            session,
            key=f"escalation-step:{step.id}:registered:{tracking}",
            provider_id=escalation.provider_id,
            kind=EventKind.REGISTERED_MAIL,
            actor=recorded_by,
            as_of=as_of,
            summary=f"Ingebrekestelling aangetekend verzonden, nummer {tracking}",
        )
        uow.commit()
        return True


def record_talk_outcome(
    uow: UnitOfWork,
    step_id: int,
    outcome: str,
    measure_stands: bool,
    recorded_by: str,
    as_of: date,
    cfg: RegionConfig,
) -> str:
    """The outcome of the director-level talk about an objection: the measure stands (it is
    in force again) or is withdrawn (a withdrawn step 7 gives the provider its contracts back:
    ``cfg`` plans their option decisions again). Returns the step's status afterwards."""
    with uow:
        session = uow.session
        objection = session.scalar(select(Objection).where(Objection.step_id == step_id))
        if objection is None:
            raise InvalidInput.one(
                "parameter step_id", "geen bezwaar bij deze trede", title="Geen bezwaar"
            )
        step = session.get(EscalationStep, step_id)
        if objection.outcome_on is not None:
            return step.status
        objection.outcome, objection.outcome_on = outcome, as_of
        close_deadlines(session, Subject.OBJECTION, [objection.id], as_of)
        if step.status == StepStatus.SUSPENDED or not measure_stands:
            step.status = StepStatus.ACTIVE if measure_stands else StepStatus.WITHDRAWN
        escalation = session.get(Escalation, step.escalation_id)
        if step.status == StepStatus.WITHDRAWN and step.step == 7:
            provider = session.get(Provider, escalation.provider_id)
            restore_contracts(session, cfg, provider, step.id, recorded_by, as_of)
        record_event(
            session,
            key=f"escalation-step:{step.id}:talk",
            provider_id=escalation.provider_id,
            kind=EventKind.DIRECTOR_TALK,
            actor=recorded_by,
            as_of=as_of,
            summary=f"Gesprek op directieniveau over trede {step.step}: {outcome}; "
            f"de maatregel {'blijft' if measure_stands else 'vervalt'}",
        )
        uow.commit()
        return step.status


def _invite_director_talk(
    session: Session,
    cfg: RegionConfig,
    step: EscalationStep,
    provider: Provider,
    due: date,
    as_of: date,
) -> None:
    """Invite the provider's board to the director-level talk, to be held by ``due``."""
    manager = cfg.staff_by_key.get(provider.contract_manager)
    start = datetime.combine(due, time(10, 0), tzinfo=REGION_TZ)
    domain = cfg.mail.sender_email.rsplit("@", 1)[-1]
    invite = meeting_invite(
        uid=f"directiegesprek-{step.id}@{domain}",
        sequence=0,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        summary=f"Gesprek op directieniveau: bezwaar {provider.name} tegen trede {step.step}",
        description="Geschil over de inschaling op de escalatieladder (seed 004).",
        location=cfg.region.address,
        organizer=(manager.name, manager.email)
        if manager
        else (cfg.mail.sender_name, cfg.mail.sender_email),
        attendees=[
            ("Bestuur " + provider.name, provider.board_email or provider.contact_email, True)
        ],
    )
    mail_with_event(
        session,
        cfg,
        key=f"escalation-step:{step.id}:director-talk",
        template="director_talk",
        context={
            "provider": provider,
            "step": step,
            "info": STEPS[step.step],
            "due": due,
            "region": cfg.region,
        },
        to=[provider.board_email or provider.contact_email],
        cc=[manager.email] if manager else [],
        provider_id=provider.id,
        subject=f"Gesprek op directieniveau over trede {step.step}, uiterlijk {due:%d-%m-%Y}",
        kind=EventKind.DIRECTOR_TALK_PLANNED,
        actor="register-objection",
        as_of=as_of,
        summary=f"Gesprek op directieniveau gepland, uiterlijk {due:%d-%m-%Y}",
        attachments=[Attachment("directiegesprek.ics", "text/calendar; method=REQUEST", invite)],
    )


def _talk_subject(
    session: Session, deadline: Deadline
) -> tuple[Objection, EscalationStep, Provider] | None:
    objection = session.get(Objection, deadline.subject_id)
    if objection is None or objection.outcome_on is not None:
        return None  # the outcome is on record: the term is met
    step = session.get(EscalationStep, objection.step_id)
    escalation = session.get(Escalation, step.escalation_id) if step else None
    if escalation is None:
        return None
    return objection, step, session.get(Provider, escalation.provider_id)


def _talk_mail(
    session: Session,
    cfg: RegionConfig,
    deadline: Deadline,
    subject: tuple[Objection, EscalationStep, Provider],
    as_of: date,
    *,
    passed: bool,
) -> None:
    """The contract manager's reminder of the talk's term, or the notice that it passed."""
    _objection, step, provider = subject
    manager = cfg.staff_by_key.get(provider.contract_manager)
    due = deadline.due_on
    what = "verstreken" if passed else "herinnering"
    mail_with_event(
        session,
        cfg,
        key=f"escalation-step:{step.id}:director-talk:{'passed' if passed else 'reminder'}",
        template="director_talk_term",
        context={
            "provider": provider,
            "step": step,
            "info": STEPS[step.step],
            "due": due,
            "passed": passed,
            "manager": manager,
            "region": cfg.region,
        },
        to=[manager.email]
        if manager
        else [s.email for s in cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)],
        provider_id=provider.id,
        subject=(
            f"Termijn gesprek op directieniveau {provider.name} verstreken ({due:%d-%m-%Y})"
            if passed
            else f"Herinnering: gesprek op directieniveau {provider.name} uiterlijk {due:%d-%m-%Y}"
        ),
        kind=EventKind.REMINDER,
        actor="daily-sweep",
        as_of=as_of,
        summary=f"Gesprek op directieniveau over trede {step.step}: {what}, termijn {due:%d-%m-%Y}",
    )


def _talk_reminder(
    session: Session,
    cfg: RegionConfig,
    deadline: Deadline,
    subject: tuple[Objection, EscalationStep, Provider],
    _offset: int,
    as_of: date,
) -> None:
    _talk_mail(session, cfg, deadline, subject, as_of, passed=False)


def _talk_passed(
    session: Session,
    cfg: RegionConfig,
    deadline: Deadline,
    subject: tuple[Objection, EscalationStep, Provider],
    as_of: date,
) -> bool:
    """The region's own term passed: the contract manager hears it once; the talk stays on
    the work list until its outcome is recorded."""
    _talk_mail(session, cfg, deadline, subject, as_of, passed=True)
    return True


DIRECTOR_TALK_RULES = KindRules(
    load=_talk_subject,
    remind=_talk_reminder,
    lapse=_talk_passed,
    reminder_days=lambda cfg: cfg.escalation.reminder_working_days,
    key_prefixes=("escalation-step:",),
)
