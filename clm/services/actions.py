"""Use cases of the agreed actions (actiepunten) of individual and group meetings: their
deadlines, the reminders before and after them, and closing them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import dutch_date
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.vocabulary import ActionStatus, EventKind, SignalKind
from clm.services.deadlines import KindRules, close_deadlines, delete_deadlines, set_deadline, sweep
from clm.services.meeting_changes import find_meeting
from clm.services.meetings import meeting_day
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import ActionItem, Deadline, GroupMeeting, Provider
from clm.storage.notify import mail_with_event
from clm.storage.signals import raise_signal


def set_action_deadlines(
    session: Session, cfg: RegionConfig, actions: Iterable[ActionItem]
) -> None:
    """Each (new) action's deadline, with the owner's reminder before it."""
    days = cfg.minutes.action_reminder_working_days
    for action in actions:
        set_deadline(
            session,
            DeadlineKind.ACTION,
            Subject.ACTION,
            action.id,
            action.deadline,
            provider_id=action.provider_id,
            owner=action.owner_email,
            remind_before=[days],
        )


def drop_action_deadlines(session: Session, actions: Iterable[ActionItem]) -> None:
    """The deadlines of actions that a new record of the minutes replaces."""
    delete_deadlines(session, Subject.ACTION, [a.id for a in actions])


def action_origin(session: Session, action: ActionItem, provider: Provider | None) -> str:
    """Where the action was agreed, as a phrase for the reminder ('uit …')."""
    if action.group_meeting_id is not None:
        group = session.get(GroupMeeting, action.group_meeting_id)
        return f"het groepsoverleg contractmanagement van {dutch_date(meeting_day(group))}"
    return f"het contractvoortgangsgesprek met {provider.name if provider else ''}"


def action_key(action: ActionItem) -> str:
    """The key of an action's mails and events: by its meeting, individual or group."""
    if action.group_meeting_id is not None:
        return f"group-action:{action.group_meeting_id}:{action.number}"
    return f"action:{action.meeting_id}:{action.number}"


def _load(session: Session, deadline: Deadline) -> tuple[ActionItem, Provider | None] | None:
    action = session.get(ActionItem, deadline.subject_id)
    if action is None or action.status != ActionStatus.OPEN:
        return None
    provider = session.get(Provider, action.provider_id) if action.provider_id else None
    return action, provider


def _context(session: Session, cfg: RegionConfig, action: ActionItem, provider: Provider | None):  # noqa: ANN202
    return {
        "action": action,
        "origin": action_origin(session, action, provider),
        "region": cfg.region,
    }


def _remind(
    session: Session,
    cfg: RegionConfig,
    _deadline: Deadline,
    subject: tuple[ActionItem, Provider | None],
    _offset: int,
    as_of: date,
) -> None:
    action, provider = subject
    mail_with_event(
        session,
        cfg,
        key=f"{action_key(action)}:reminder",
        template="action_reminder",
        context=_context(session, cfg, action, provider),
        to=[action.owner_email],
        provider_id=provider.id if provider else None,
        subject=f"Herinnering actiepunt, deadline {action.deadline:%d-%m-%Y}",
        kind=EventKind.ACTION_REMINDER,
        actor="daily-sweep",
        as_of=as_of,
        summary=f"Herinnering actiepunt {action.agenda_item} aan {action.owner_name}",
    )


def _overdue(
    session: Session,
    cfg: RegionConfig,
    _deadline: Deadline,
    subject: tuple[ActionItem, Provider | None],
    as_of: date,
) -> bool:
    """Past its deadline: the owner hears it once; a provider's action is also a signal."""
    action, provider = subject
    base = action_key(action)
    mail_with_event(
        session,
        cfg,
        key=f"{base}:overdue",
        template="action_overdue",
        context=_context(session, cfg, action, provider),
        to=[action.owner_email],
        provider_id=provider.id if provider else None,
        subject=f"Actiepunt over de deadline: {action.description[:60]}",
        kind=EventKind.ACTION_OVERDUE,
        actor="daily-sweep",
        as_of=as_of,
        summary=f"Actiepunt {action.agenda_item} over de deadline "
        f"({action.deadline:%d-%m-%Y}): {action.description}",
    )
    if action.owner_side == "provider" and provider is not None:
        raise_signal(
            session,
            cfg,
            key=f"{base}:signal",
            provider=provider,
            kind=SignalKind.TIMELINESS,
            source="daily-sweep: actiepunt",
            as_of=as_of,
            description=f"Actiepunt van de aanbieder over de deadline "
            f"({action.deadline:%d-%m-%Y}): {action.description}",
            subject=f"Signaal: actiepunt {provider.name} over de deadline",
        )
    return True


ACTION_RULES = KindRules(
    load=_load,
    remind=_remind,
    lapse=_overdue,
    reminder_days=lambda cfg: cfg.minutes.action_reminder_working_days,
    key_prefixes=("action:", "group-action:"),
)


def remind_actions(uow: UnitOfWork, cfg: RegionConfig, as_of: date) -> tuple[int, int]:
    """Owners of open actions: a reminder some working days before the deadline and one when
    it has passed, each once; an overdue action of the provider is also a signal.
    Returns (reminders, overdue notices) sent now."""
    return sweep(uow, cfg, as_of, {DeadlineKind.ACTION: ACTION_RULES}).of(DeadlineKind.ACTION)


def close_action(
    uow: UnitOfWork,
    provider_code: str,
    month: date,
    number: int,
    remark: str,
    closed_by: str,
    as_of: date,
) -> bool:
    """Close an action with a remark; False if it was closed already."""
    with uow:
        session = uow.session
        meeting, provider = find_meeting(session, provider_code, month)
        action = session.scalar(
            select(ActionItem).where(
                ActionItem.meeting_id == meeting.id, ActionItem.number == number
            )
        )
        if action is None:
            raise InvalidInput.one(
                "parameter number",
                f"geen actiepunt {number} bij dit gesprek",
                title="Onbekend actiepunt",
            )
        if action.status == ActionStatus.DONE:
            return False
        action.status, action.closed_on, action.close_remark = ActionStatus.DONE, as_of, remark
        close_deadlines(session, Subject.ACTION, [action.id], as_of)
        record_event(
            session,
            key=f"action:{action.meeting_id}:{number}:closed",
            provider_id=provider.id,
            kind=EventKind.ACTION_CLOSED,
            actor=closed_by,
            as_of=as_of,
            summary=f"Actiepunt {action.agenda_item} afgerond: {remark}",
        )
        uow.commit()
        return True
