"""Recording the minutes: the draft from a form or the minutes sheet, its actions, and the empty
sheet staff fill in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from clm.documents.minutes_sheet import minutes_template, parse_minutes_sheet
from clm.errors import InputProblem, InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.minutes import MinutesDraft, check_minutes
from clm.rules.quarters import MeetingMonth
from clm.rules.vocabulary import EventKind, MeetingStatus, MinutesStatus
from clm.services.actions import drop_action_deadlines, set_action_deadlines
from clm.services.meeting_changes import find_meeting
from clm.services.meetings import meeting_day
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import ActionItem, DossierEvent, Minutes


def record_minutes(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    month: date,
    draft: MinutesDraft,
    recorded_by: str,
    as_of: date,
    source: str = "parameters",
) -> str:
    """Store the minutes of a held meeting as a draft ('recorded', or 'replaced' when a draft
    existed). After release, changes are only taken while the provider's comments are open."""
    cfg.staff_member(recorded_by)
    with uow:
        session = uow.session
        meeting, provider = find_meeting(session, provider_code, month)
        day = meeting_day(meeting)
        problems = []
        if meeting.status != MeetingStatus.PLANNED:
            problems.append(InputProblem("parameters", "het gesprek is geannuleerd"))
        if day > as_of:
            problems.append(InputProblem("parameters", f"het gesprek is pas op {day:%d-%m-%Y}"))
        problems += check_minutes(draft, day, {s.key for s in cfg.staff}, source, cfg.agenda_items)
        minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
        if minutes is not None and minutes.status == MinutesStatus.FINAL:
            problems.append(InputProblem("parameters", "het verslag is al definitief"))
        elif (
            minutes is not None
            and minutes.status == MinutesStatus.SENT
            and not minutes.open_comments
        ):
            problems.append(
                InputProblem(
                    "parameters",
                    "het verslag is verstuurd en er staan "
                    "geen opmerkingen open; registreer eerst de reactie",
                )
            )
        if problems:
            raise InvalidInput(problems, "Verslag afgekeurd, er is niets opgeslagen")
        staff = cfg.staff_by_key
        actions = [
            ActionItem(
                meeting_id=meeting.id,
                provider_id=provider.id,
                number=n,
                agenda_item=a.agenda_item.strip(),
                description=a.description.strip(),
                owner_side=a.owner_side,
                owner_name=staff[a.owner].name if a.owner_side == "region" else a.owner.strip(),
                owner_email=staff[a.owner].email
                if a.owner_side == "region"
                else provider.contact_email,
                deadline=a.deadline,
            )
            for n, a in enumerate(draft.actions, 1)
        ]
        attendees = [a.strip() for a in draft.attendees if a.strip()]
        if (
            minutes is not None
            and (minutes.attendees, minutes.items) == (attendees, [vars(i) for i in draft.items])
            and _same_actions(session, meeting.id, actions)
        ):
            return "unchanged"
        outcome = "replaced" if minutes is not None else "recorded"
        if minutes is None:
            minutes = Minutes(meeting_id=meeting.id, status=MinutesStatus.DRAFT, version=0)
            session.add(minutes)
        minutes.attendees, minutes.items = attendees, [vars(i) for i in draft.items]
        minutes.recorded_by, minutes.recorded_on = recorded_by, as_of
        # a new record replaces the meeting's actions (closed ones are recorded anew too,
        # which can only happen while the provider's comments are open)
        replaced = session.scalars(
            select(ActionItem).where(ActionItem.meeting_id == meeting.id)
        ).all()
        drop_action_deadlines(session, replaced)
        session.execute(delete(ActionItem).where(ActionItem.meeting_id == meeting.id))
        session.flush()
        session.add_all(actions)
        session.flush()
        set_action_deadlines(session, cfg, actions)
        drafts = session.scalar(
            select(func.count())
            .select_from(DossierEvent)
            .where(DossierEvent.key.startswith(f"minutes:{meeting.uid}:draft:"))
        )
        record_event(
            session,
            key=f"minutes:{meeting.uid}:draft:{drafts + 1}",
            provider_id=provider.id,
            kind=EventKind.MINUTES_DRAFT,
            actor=recorded_by,
            as_of=as_of,
            summary=f"Verslag {'vervangen' if outcome == 'replaced' else 'vastgelegd'} "
            f"(concept, {len(draft.actions)} actiepunt(en))",
        )
        uow.commit()
        return outcome


def _same_actions(session: Session, meeting_id: int, actions: list[ActionItem]) -> bool:
    def fields(a: ActionItem) -> tuple:
        return (a.number, a.agenda_item, a.description, a.owner_side, a.owner_name, a.deadline)

    stored = session.scalars(
        select(ActionItem).where(ActionItem.meeting_id == meeting_id).order_by(ActionItem.number)
    ).all()
    return [fields(a) for a in stored] == [fields(a) for a in actions]


def record_minutes_sheet(
    uow: UnitOfWork, cfg: RegionConfig, path: Path, recorded_by: str, as_of: date
) -> str:
    """Record the minutes from a filled-in sheet (the template of :func:`write_template`)."""
    code, month, draft = parse_minutes_sheet(path)
    try:
        meeting_month = MeetingMonth.parse(month).first_day
    except ValueError:
        raise InvalidInput.one(
            f"{path.name} [Verslag]",
            f"ongeldige gespreksmaand '{month}' (JJJJ-MM)",
            row=3,
            column="Gespreksmaand",
            title="Verslag afgekeurd, er is niets opgeslagen",
        ) from None
    return record_minutes(
        uow,
        cfg,
        code,
        meeting_month,
        draft,
        recorded_by,
        as_of,
        source=f"{path.name} [Actiepunten]",
    )


def write_template(
    uow: UnitOfWork, cfg: RegionConfig, provider_code: str, month: date, folder: Path
) -> Path:
    """Put the blank minutes sheet of a meeting in ``folder`` (never over an existing file)."""
    with uow:
        _meeting, provider = find_meeting(uow.session, provider_code, month)
    path = folder / f"verslag-{provider.code}-{month:%Y-%m}.xlsx"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        sheet = minutes_template(provider.code, provider.name, f"{month:%Y-%m}", cfg.agenda_items)
        path.write_bytes(sheet)
    return path
