"""Dates and times as the region sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime
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
