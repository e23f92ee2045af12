"""Dates and times as the region sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

REGION_TZ = ZoneInfo("Europe/Amsterdam")

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def utcnow() -> datetime:
    """The current moment, timezone-aware (stored as UTC)."""
    return datetime.now(UTC)


def today_in_region() -> date:
    """Today's date in Europe/Amsterdam: the default ``as_of`` of every flow."""
    return datetime.now(REGION_TZ).date()


def dutch_date(d: date, weekday: bool = False) -> str:
    """A date as written in a Dutch letter: '14 april 2026' or 'dinsdag 14 april 2026'."""
    text = f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"
    return f"{WEEKDAYS_NL[d.weekday()]} {text}" if weekday else text


def dutch_month(month: int) -> str:
    """The Dutch name of a month number."""
    return MONTHS_NL[month - 1]


def as_utc(moment: datetime) -> datetime:
    """A stored moment as an aware UTC datetime (SQLite hands them back without zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def answered_at(sent_at: datetime | None, received_on: date) -> datetime:
    """When an answer was given: the mail's sending moment, or for an answer that staff
    register with a date only, the end of that day (what they know then is the newest)."""
    if sent_at is not None:
        return as_utc(sent_at)
    return datetime.combine(received_on, time(23, 59, 59), REGION_TZ).astimezone(UTC)


def stamp(moment: datetime) -> str:
    """A moment as staff read it in the dossier: '12-03-2027 09:15'."""
    return f"{as_utc(moment).astimezone(REGION_TZ):%d-%m-%Y %H:%M}"
