"""Use cases of admission: a provider joining mid-term under dynamic contracting (seed 003).

Every provider that meets the hard requirements (a configurable checklist, such as a BIG
registration) can join; the region assesses an application within at most six months. An
application is a deadline row: the daily sweep reminds contract administration before it and
reports once when it has passed. Admitted, the provider is classified at once with its judged
scores and gets its meetings from the next meeting month on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import dutch_date
from clm.errors import InputProblem, InvalidInput
from clm.rules.calendar import is_working_day
from clm.rules.commands import Application
from clm.rules.config import RegionConfig, Role
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.inputs import ascii_digits, required_text
from clm.rules.meetings import admission_cycle, cycle_year, next_meeting_month
from clm.rules.replies import ReplyKind
from clm.rules.vocabulary import AdmissionStatus, EventKind
from clm.services.deadlines import KindRules, close_deadlines, set_deadline, sweep
from clm.services.judged import JudgedInput, record_judged_scores
from clm.services.meetings import prepare_month
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import Admission, Deadline, JudgedScore, Meeting, Provider
from clm.storage.notify import ReplyTo, mail_with_event


def assessment_deadline(cfg: RegionConfig, applied_on: date) -> date:
    """Six months (config) after the application; on a day off, the working day before, so
    the maximum is never exceeded."""
    months = cfg.admission.assessment_months
    month_index = applied_on.month - 1 + months
    year, month = applied_on.year + month_index // 12, month_index % 12 + 1
    day = min(applied_on.day, pd.Timestamp(year, month, 1).days_in_month)
    deadline = date(year, month, day)
    while not is_working_day(deadline, cfg.calendar):
        deadline -= timedelta(days=1)
    return deadline


def _check(cfg: RegionConfig, app: Application) -> list[InputProblem]:
    problems = []
    if not ascii_digits(app.code, 8):
        problems.append(
            InputProblem("parameter code", f"'{app.code}' is geen AGB-code (8 cijfers 0-9)")
        )
    for name in ("name", "contact_name"):
        try:
            required_text(getattr(app, name))
        except ValueError as exc:
            problems.append(InputProblem(f"parameter {name}", str(exc)))
    if cfg.staff_by_key.get(app.contract_manager) is None or (
        cfg.staff_by_key[app.contract_manager].role != Role.CONTRACT_MANAGER
    ):
        problems.append(
            InputProblem(
                "parameter contract_manager", f"'{app.contract_manager}' is geen contractmanager"
            )
        )
    for i, code in enumerate(app.care_types):
        if code not in cfg.care_type_codes:
            problems.append(
                InputProblem(f"parameter care_types[{i}]", f"onbekend perceel '{code}'")
            )
    if not app.care_types:
        problems.append(InputProblem("parameter care_types", "minstens één perceel"))
    required = {r.key for r in cfg.admission.requirements}
    answered = [c.key for c in app.checklist]
    for i, item in enumerate(app.checklist):
        if item.key not in required:
            problems.append(
                InputProblem(f"parameter checklist[{i}].key", f"onbekende eis '{item.key}'")
            )
        elif item.met and not item.document.strip():
            problems.append(
                InputProblem(
                    f"parameter checklist[{i}].document",
                    "documentverwijzing ontbreekt bij 'voldaan'",
                )
            )
    for key in sorted(required - set(answered)):
        problems.append(InputProblem("parameter checklist", f"eis '{key}' niet beantwoord"))
    for key in {k for k in answered if answered.count(k) > 1}:
        problems.append(InputProblem("parameter checklist", f"eis '{key}' staat er dubbel in"))
    return problems


def register_application(uow: UnitOfWork, cfg: RegionConfig, app: Application, as_of: date) -> str:
    """Register the applicant (not yet active), its checklist and judged scores, and the
    assessment deadline; confirm receipt to the applicant. 'unchanged' when this very
    application is registered already."""
    problems = _check(cfg, app)
    if problems:
        raise InvalidInput(problems, "Aanmelding niet geregistreerd")
    checklist = {c.key: {"met": c.met, "document": c.document.strip()} for c in app.checklist}
    with uow:
        session = uow.session
        provider = session.scalar(select(Provider).where(Provider.code == app.code))
        if provider is not None:
            admission = session.scalar(
                select(Admission).where(Admission.provider_id == provider.id)
            )
            if admission is None:
                raise InvalidInput.one(
                    "parameter code",
                    f"{app.code} is al een gecontracteerde aanbieder",
                    title="Aanbieder bestaat al",
                )
            if admission.checklist == checklist and admission.applied_on == app.applied_on:
                return "unchanged"
            if admission.status != AdmissionStatus.PENDING:
                raise InvalidInput.one(
                    "parameter code",
                    "over deze aanmelding is al besloten",
                    title="Aanmelding al beoordeeld",
                )
            admission.checklist = checklist  # a corrected check before the decision
            record_event(
                session,
                key=f"admission:{app.code}:checklist:{_digest(checklist)}",
                provider_id=provider.id,
                kind=EventKind.ADMISSION_REQUIREMENTS,
                actor=app.contract_manager,
                as_of=as_of,
                summary="Toetsing van de eisen bijgewerkt: " + _checklist_text(cfg, checklist),
            )
            uow.commit()
            return "updated"
        provider = Provider(
            code=app.code,
            name=app.name,
            contact_name=app.contact_name,
            contact_email=app.contact_email,
            board_email=app.board_email or None,
            address=app.address,
            contract_manager=app.contract_manager,
            care_types=",".join(app.care_types),
            active=False,
        )
        session.add(provider)
        session.flush()
        deadline = assessment_deadline(cfg, app.applied_on)
        admission = Admission(
            provider_id=provider.id,
            applied_on=app.applied_on,
            deadline=deadline,
            checklist=checklist,
            status=AdmissionStatus.PENDING,
        )
        session.add(admission)
        session.flush()
        set_deadline(
            session,
            DeadlineKind.ADMISSION,
            Subject.ADMISSION,
            admission.id,
            deadline,
            provider_id=provider.id,
            owner=Role.CONTRACT_ADMINISTRATION.value,
            remind_before=cfg.admission.reminder_working_days,
        )
        record_event(
            session,
            key=f"admission:{app.code}:applied",
            provider_id=provider.id,
            kind=EventKind.APPLICATION,
            actor=app.contract_manager,
            as_of=as_of,
            summary="Aanmelding tussentijdse toetreding ontvangen op "
            f"{dutch_date(app.applied_on)}; "
            f"beoordeling uiterlijk {dutch_date(deadline)}. Eisen: "
            + _checklist_text(cfg, checklist),
            data={"checklist": checklist},
        )
        mail_with_event(
            session,
            cfg,
            key=f"admission:{app.code}:receipt",
            template="admission_receipt",
            reply=ReplyTo(ReplyKind.APPLICATION, admission.id, subject="uw aanvraag"),
            context={
                "provider": provider,
                "deadline": deadline,
                "applied_on": app.applied_on,
                "region": cfg.region,
            },
            to=[provider.contact_email],
            subject=f"Ontvangstbevestiging aanmelding {cfg.region.name}",
            provider_id=provider.id,
            kind=EventKind.APPLICATION_RECEIPT,
            actor=app.contract_manager,
            as_of=as_of,
            summary="Ontvangst van de aanmelding bevestigd; besluit uiterlijk "
            f"{dutch_date(deadline)}",
        )
        uow.commit()
    year = cycle_year(next_meeting_month(as_of))
    judged = JudgedInput(
        app.code, app.specialisation, app.information, app.political_importance, "bij aanmelding"
    )
    record_judged_scores(uow, cfg, [judged], year, app.contract_manager, as_of)
    return "registered"


def _digest(checklist: dict) -> str:
    return hashlib.sha256(json.dumps(checklist, sort_keys=True).encode()).hexdigest()[:16]


def _checklist_text(cfg: RegionConfig, checklist: dict) -> str:
    labels = {r.key: r.label for r in cfg.admission.requirements}
    return "; ".join(
        f"{labels.get(k, k)}: {'voldaan' if v['met'] else 'niet voldaan'}"
        + (f" ({v['document']})" if v["document"] else "")
        for k, v in checklist.items()
    )


def decide(
    uow: UnitOfWork,
    cfg: RegionConfig,
    code: str,
    admitted: bool,
    remark: str,
    decided_by: str,
    as_of: date,
) -> dict[str, object]:
    """Record the outcome and write the letter; nothing else. Admitted (every requirement
    met): the provider becomes active, and the flow then classifies it
    (:func:`admission_cycle`), carries its judged scores over (:func:`carry_judged_scores`)
    and plans it (:func:`plan_admitted`), each its own task. The same decision again is
    'unchanged', so a rerun after a crash half-way goes on with those steps."""
    cfg.staff_member(decided_by)
    with uow:
        session = uow.session
        provider = session.scalar(select(Provider).where(Provider.code == code))
        admission = (
            session.scalar(select(Admission).where(Admission.provider_id == provider.id))
            if provider
            else None
        )
        if admission is None:
            raise InvalidInput.one(
                "parameter provider_code",
                f"geen aanmelding van '{code}'",
                title="Onbekende aanmelding",
            )
        outcome = AdmissionStatus.ADMITTED if admitted else AdmissionStatus.REFUSED
        if admission.status == outcome:
            return {"status": "unchanged", "admitted": admitted}
        if admission.status != AdmissionStatus.PENDING:
            raise InvalidInput.one(
                "parameter admitted",
                "over deze aanmelding is al anders besloten",
                title="Aanmelding al beoordeeld",
            )
        unmet = [k for k, v in admission.checklist.items() if not v["met"]]
        if admitted and unmet:
            raise InvalidInput.one(
                "parameter admitted",
                f"niet voldaan aan: {', '.join(unmet)}",
                title="Toelaten kan alleen als aan alle eisen is voldaan",
            )
        if not admitted and not remark.strip():
            raise InvalidInput.one(
                "parameter remark",
                "een afwijzing heeft een motivering nodig",
                title="Motivering ontbreekt",
            )
        admission.status, admission.decided_on = outcome, as_of
        close_deadlines(session, Subject.ADMISSION, [admission.id], as_of)
        admission.decided_by, admission.decision_remark = decided_by, remark.strip()
        provider.active = admitted
        in_time = as_of <= admission.deadline
        mail_with_event(
            session,
            cfg,
            key=f"admission:{code}:decision",
            template="admission_decision",
            context={
                "provider": provider,
                "admitted": admitted,
                "remark": remark.strip(),
                "region": cfg.region,
            },
            to=[provider.contact_email],
            cc=[provider.board_email] if provider.board_email else None,
            subject=f"Besluit over uw aanmelding bij {cfg.region.name}",
            provider_id=provider.id,
            kind=EventKind.ADMISSION_DECISION,
            actor=decided_by,
            as_of=as_of,
            summary=("Toegelaten" if admitted else "Afgewezen")
            + f" op {dutch_date(as_of)} ({'binnen' if in_time else 'na'} de termijn van "
            f"{dutch_date(admission.deadline)})"
            + (f": {remark.strip()}" if remark.strip() else ""),
        )
        uow.commit()
    return {"status": outcome.value, "admitted": admitted}


def carry_judged_scores(
    uow: UnitOfWork, cfg: RegionConfig, code: str, year: int, decided_by: str, as_of: date
) -> bool:
    """The judged scores of the admission count for the next yearly classification too,
    until staff redo them. False when that year has scores already (reruns)."""
    with uow:
        has_next = uow.session.scalar(
            select(JudgedScore.id)
            .join(Provider, Provider.id == JudgedScore.provider_id)
            .where(Provider.code == code, JudgedScore.year == year + 1)
        )
        if has_next is not None:
            return False
        current = uow.session.scalar(
            select(JudgedScore)
            .join(Provider, Provider.id == JudgedScore.provider_id)
            .where(Provider.code == code, JudgedScore.year == year)
        )
        judged = JudgedInput(
            code,
            current.specialisation,
            current.information,
            current.political_importance,
            "overgenomen van de toelating",
        )
    record_judged_scores(uow, cfg, [judged], year + 1, decided_by, as_of)
    return True


def plan_admitted(uow: UnitOfWork, cfg: RegionConfig, code: str, as_of: date) -> int:
    """The admitted provider's meeting in the next meeting month when that month is prepared
    already (later months follow from the quarterly preparation). Returns meetings planned."""
    month = admission_cycle(as_of).month
    with uow:
        prepared = uow.session.scalar(
            select(Meeting.id).where(Meeting.meeting_month == month).limit(1)
        )
    if prepared is None or cfg.meetings is None:
        return 0
    return prepare_month(uow, cfg, month, as_of, provider_code=code).planned


def _admission_subject(session: Session, deadline: Deadline) -> tuple[Admission, Provider] | None:
    admission = session.get(Admission, deadline.subject_id)
    if admission is None or admission.status != AdmissionStatus.PENDING:
        return None
    return admission, session.get(Provider, admission.provider_id)


def _admission_reminder(
    session: Session,
    cfg: RegionConfig,
    _deadline: Deadline,
    subject: tuple[Admission, Provider],
    offset: int,
    as_of: date,
) -> None:
    """A reminder to contract administration ``offset`` working days before the term."""
    admission, provider = subject
    mail_with_event(
        session,
        cfg,
        key=f"admission:{provider.code}:reminder:{offset}",
        template="admission_reminder",
        context={
            "provider": provider,
            "admission": admission,
            "region": cfg.region,
            "overdue": False,
        },
        to=[s.email for s in cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)],
        subject=f"Herinnering: besluit over aanmelding {provider.name} uiterlijk "
        f"{dutch_date(admission.deadline)}",
        provider_id=provider.id,
        kind=EventKind.ADMISSION_REMINDER,
        actor="daily-sweep",
        as_of=as_of,
        summary=f"Herinnering beoordeling aanmelding ({offset} werkdagen vóór de termijn)",
    )


def _admission_overdue(
    session: Session,
    cfg: RegionConfig,
    _deadline: Deadline,
    subject: tuple[Admission, Provider],
    as_of: date,
) -> bool:
    """The six months passed without a decision: contract administration hears it once, the
    contract manager and the functional administrator in copy."""
    admission, provider = subject
    manager = cfg.staff_by_key.get(provider.contract_manager)
    admins = cfg.staff_with_role(Role.FUNCTIONAL_ADMINISTRATOR)
    mail_with_event(
        session,
        cfg,
        key=f"admission:{provider.code}:overdue",
        template="admission_reminder",
        context={
            "provider": provider,
            "admission": admission,
            "region": cfg.region,
            "overdue": True,
        },
        to=[s.email for s in cfg.staff_with_role(Role.CONTRACT_ADMINISTRATION)],
        cc=[m.email for m in [manager, *admins] if m],
        subject=f"Termijn verstreken: aanmelding {provider.name}",
        provider_id=provider.id,
        kind=EventKind.ADMISSION_OVERDUE,
        actor="daily-sweep",
        as_of=as_of,
        summary="Beoordelingstermijn van de aanmelding verstreken "
        f"({dutch_date(admission.deadline)})",
    )
    return True


ADMISSION_RULES = KindRules(
    load=_admission_subject,
    remind=_admission_reminder,
    lapse=_admission_overdue,
    several_reminders=True,
    reminder_days=lambda cfg: max(cfg.admission.reminder_working_days, default=0),
    key_prefixes=("admission:",),
)


def remind_admissions(uow: UnitOfWork, cfg: RegionConfig, as_of: date) -> tuple[int, int]:
    """Pending applications: a reminder to contract administration at each configured number
    of working days before the deadline (one mail when several fall due at once), and one
    notice when the deadline has passed. Returns (reminders, overdue notices)."""
    return sweep(uow, cfg, as_of, {DeadlineKind.ADMISSION: ADMISSION_RULES}).of(
        DeadlineKind.ADMISSION
    )
