"""Dutch working days: Monday to Friday, except public holidays and the region's own closures.

Every deadline in the product is counted with :func:`add_working_days` (or
:func:`working_days_before`), so the rules live in one place.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from clm.rules.config import CalendarConfig

_DEFAULT = CalendarConfig()


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year))


def is_working_day(d: date, cal: CalendarConfig = _DEFAULT) -> bool:
    """True for a Monday–Friday that is no Dutch public holiday and no closure of the region.

    A date in ``open_dates`` is a working day even on a holiday; ``closed_dates`` and the
    yearly ``closed_every_year`` (``MM-DD``) days are not.
    """
    if d in cal.open_dates:
        return d.weekday() < 5
    if d.weekday() >= 5 or d in _public_holidays(d.year) or d in cal.closed_dates:
        return False
    return f"{d.month:02d}-{d.day:02d}" not in cal.closed_every_year


def add_working_days(start: date, n: int, cal: CalendarConfig = _DEFAULT) -> date:
    """The date ``n`` working days after ``start`` (``start`` itself not counted).

    ``n = 0`` gives ``start`` when it is a working day, else the next working day.
    """
    if n < 0:
        raise ValueError("n moet 0 of groter zijn; gebruik working_days_before")
    d = start
    if n == 0:
        while not is_working_day(d, cal):
            d += timedelta(days=1)
        return d
    while n:
        d += timedelta(days=1)
        if is_working_day(d, cal):
            n -= 1
    return d


def working_days_before(end: date, n: int, cal: CalendarConfig = _DEFAULT) -> date:
    """The working day ``n`` working days before ``end`` (``end`` itself not counted)."""
    if n < 1:
        raise ValueError("n moet 1 of groter zijn")
    d = end
    while n:
        d -= timedelta(days=1)
        if is_working_day(d, cal):
            n -= 1
    return d


def working_days_in_month(year: int, month: int, cal: CalendarConfig = _DEFAULT) -> list[date]:
    """Every working day of a month, in order."""
    d = date(year, month, 1)
    days = []
    while d.month == month:
        if is_working_day(d, cal):
            days.append(d)
        d += timedelta(days=1)
    return days
