"""The group meeting of a period: found by its number, or opened when a topic or the next period
asks for it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ
from clm.errors import InvalidInput
from clm.rules.calendar import working_days_before
from clm.rules.config import RegionConfig
from clm.rules.meetings import next_meeting_date
from clm.rules.vocabulary import GroupMeetingStatus
from clm.storage.db import UnitOfWork
from clm.storage.models import GroupMeeting


def _key(day: date, care_type: str) -> str:
    return f"{day:%Y-%m}" + (f":{care_type}" if care_type else "")


def ensure_meeting(
    session: Session, cfg: RegionConfig, day: date, care_type: str, as_of: date
) -> GroupMeeting:
    """The group meeting of ``day`` (and lot), created on first use."""
    key = _key(day, care_type)
    meeting = session.scalar(select(GroupMeeting).where(GroupMeeting.key == key))
    if meeting is not None:
        return meeting
    rules = cfg.group_meetings
    hour, minute = (int(x) for x in rules.time.split(":"))
    starts = datetime.combine(day, time(hour, minute), REGION_TZ)
    domain = cfg.mail.sender_email.rsplit("@", 1)[-1]
    meeting = GroupMeeting(
        key=key,
        care_type=care_type,
        uid=f"groep-{key.replace(':', '-')}@{domain}",
        sequence=0,
        status=GroupMeetingStatus.OPEN,
        starts_at=starts.astimezone(UTC),
        ends_at=(starts + timedelta(minutes=rules.duration_minutes)).astimezone(UTC),
        location=rules.location,
        opened_on=as_of,
        invite_due=working_days_before(day, rules.invite_working_days, cfg.calendar),
        agenda=[],
        report={},
    )
    session.add(meeting)
    session.flush()
    return meeting


def find_meeting(session: Session, key: str) -> GroupMeeting:
    """The group meeting with this key (JJJJ-MM or JJJJ-MM:perceel), or a clear error."""
    meeting = session.scalar(select(GroupMeeting).where(GroupMeeting.key == key))
    if meeting is None:
        known = ", ".join(session.scalars(select(GroupMeeting.key).order_by(GroupMeeting.key)))
        raise InvalidInput.one(
            "parameter meeting",
            f"geen groepsbijeenkomst '{key}'; bekend: {known}",
            title="Onbekende groepsbijeenkomst",
        )
    return meeting


def open_next(uow: UnitOfWork, cfg: RegionConfig, as_of: date, care_type: str = "") -> str | None:
    """Open the next group meeting once its preparation window has started (the scheduled
    run): returns its key, or None when it is still too far ahead."""
    day = next_meeting_date(cfg, as_of)
    opens = working_days_before(day, cfg.group_meetings.prepare_working_days, cfg.calendar)
    if as_of < opens:
        return None
    with uow:
        meeting = ensure_meeting(uow.session, cfg, day, care_type, as_of)
        uow.commit()
        return meeting.key
