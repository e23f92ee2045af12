"""Working days: weekends, Dutch public holidays and the region's own closures."""

from __future__ import annotations

from datetime import date

import pytest

from clm.rules.calendar import add_working_days, is_working_day, working_days_before
from clm.rules.config import CalendarConfig, RegionConfig

D = date


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 11, 23), 0, D(2026, 11, 23)),  # a Monday: itself
        (D(2026, 11, 28), 0, D(2026, 11, 30)),  # Saturday → Monday
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday + 1 → Monday
        (D(2026, 11, 23), 5, D(2026, 11, 30)),  # a whole week
        (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Thu → Good Friday, Easter, Easter Monday → Tue
        (D(2026, 4, 24), 1, D(2026, 4, 28)),  # Fri → King's Day Mon 27 April → Tue
        (D(2026, 5, 13), 1, D(2026, 5, 15)),  # Wed → Ascension Thu 14 May → Fri
        (D(2026, 5, 22), 1, D(2026, 5, 26)),  # Fri → Whit Monday 25 May → Tue
        (D(2026, 12, 24), 1, D(2026, 12, 28)),  # Thu → Christmas Fri 25, weekend → Mon
        (D(2026, 12, 31), 1, D(2027, 1, 4)),  # New Year's Day, weekend
        (D(2027, 3, 25), 1, D(2027, 3, 30)),  # Easter 2027: Good Friday 26, Monday 29
        (D(2027, 4, 26), 1, D(2027, 4, 28)),  # King's Day on a Tuesday
        (D(2026, 4, 3), 0, D(2026, 4, 7)),  # n = 0 on a holiday: next working day
        (D(2026, 1, 1), 15, D(2026, 1, 22)),  # 15 working days (escalation step 1 term)
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_working_days_before() -> None:
    assert working_days_before(D(2026, 4, 7), 1) == D(2026, 4, 2)
    assert working_days_before(D(2026, 11, 30), 5) == D(2026, 11, 23)


def test_region_closures_and_openings(cfg: RegionConfig) -> None:
    cal = cfg.calendar
    assert not is_working_day(D(2026, 5, 5), cal)  # Liberation Day every year in the demo
    assert is_working_day(D(2026, 5, 5))  # …but not a national day off in 2026
    assert not is_working_day(D(2026, 12, 24), cal)
    assert add_working_days(D(2026, 5, 4), 1, cal) == D(2026, 5, 6)
    assert add_working_days(D(2026, 12, 23), 1, cal) == D(2026, 12, 28)
    opened = CalendarConfig(open_dates=frozenset({D(2026, 4, 3)}))
    assert is_working_day(D(2026, 4, 3), opened)  # the office works on Good Friday
    assert add_working_days(D(2026, 4, 2), 1, opened) == D(2026, 4, 3)


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1)


@pytest.mark.parametrize("year", [2026, 2028, 2031, 2040])
def test_the_region_is_closed_on_24_and_31_december_every_year(
    cfg: RegionConfig, year: int
) -> None:
    """As the README says: not only in the years someone typed into the config."""
    cal = cfg.calendar
    assert not is_working_day(D(year, 12, 24), cal)
    assert not is_working_day(D(year, 12, 31), cal)
