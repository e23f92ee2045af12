"""Quarters as one value: parsing, days, neighbours and the Dutch words."""

from __future__ import annotations

from datetime import date

import pytest

from clm.rules.meetings import previous_quarter, quarter_discussed, quarter_label
from clm.rules.quarters import MeetingMonth, Quarter


def test_a_quarter_and_its_days() -> None:
    q = Quarter.parse("2027-Q1")
    assert (q.year, q.number, str(q)) == (2027, 1, "2027-Q1")
    assert (q.first_day, q.last_day) == (date(2027, 1, 1), date(2027, 3, 31))
    assert Quarter.parse("2028-Q4").last_day == date(2028, 12, 31)
    assert Quarter.parse("2028-Q1").last_day == date(2028, 3, 31)
    assert q.label == "1e kwartaal 2027" and quarter_label("2026-Q4") == "4e kwartaal 2026"
    assert str(q.previous()) == "2026-Q4" and str(q.next()) == "2027-Q2"
    assert [str(x) for x in q.back(3)] == ["2026-Q3", "2026-Q4", "2027-Q1"]
    assert Quarter.of(date(2027, 9, 30)) == Quarter(2027, 3)


def test_the_quarter_a_meeting_discusses() -> None:
    """April discusses Q1 of its year, July Q2, October Q3, January Q4 of the year before."""
    assert quarter_discussed(date(2027, 4, 1)) == "2027-Q1"
    assert quarter_discussed(date(2027, 7, 1)) == "2027-Q2"
    assert quarter_discussed(date(2027, 10, 1)) == "2027-Q3"
    assert quarter_discussed(date(2028, 1, 1)) == "2027-Q4"
    assert previous_quarter("2027-Q1") == "2026-Q4"


@pytest.mark.parametrize("text", ["2027-Q5", "2027Q1", "27-Q1", "2027-Q０", ""])
def test_not_a_quarter(text: str) -> None:
    with pytest.raises(ValueError, match="geen kwartaal"):
        Quarter.parse(text)


def test_meeting_months_as_a_sentence_says_them() -> None:
    """The classification letter names the months once per year: 'april en oktober 2027'."""
    from clm.services.classification import meeting_dates

    assert meeting_dates(2027, [4]) == "april 2027"
    assert meeting_dates(2027, [4, 10]) == "april en oktober 2027"
    assert meeting_dates(2027, [4, 7, 10]) == "april, juli en oktober 2027"
    assert meeting_dates(2027, [4, 7, 10, 1]) == "april, juli en oktober 2027 en januari 2028"


def test_a_meeting_month_and_its_parts() -> None:
    april = MeetingMonth.parse("2027-04")
    assert (str(april), april.label, april.first_day) == ("2027-04", "april 2027", date(2027, 4, 1))
    assert (april.cycle_year, april.quarter) == (2027, Quarter(2027, 1))
    january = MeetingMonth.parse("2028-01")
    assert (january.cycle_year, str(january.quarter)) == (2027, "2027-Q4")
    assert january.label == "januari 2028"
    # the next month of the cycle, from any day: the month itself never counts
    assert MeetingMonth.after(date(2027, 4, 1)) == MeetingMonth(2027, 7)
    assert MeetingMonth.after(date(2027, 3, 31)) == april
    assert MeetingMonth.after(date(2027, 11, 30)) == january
    assert MeetingMonth.after(date(2027, 12, 31)) == january
    assert april.next().next().next() == january
    assert MeetingMonth.of(date(2027, 10, 15)) == MeetingMonth(2027, 10)
    assert sorted([january, april]) == [april, january]


@pytest.mark.parametrize(
    "text", ["2027-05", "2027-4", "2027-13", "2027-00", "april", " ", "2027-0４"]
)
def test_not_a_meeting_month(text: str) -> None:
    with pytest.raises(ValueError, match="geen (gesprek)?smaand|geen maand"):
        MeetingMonth.parse(text)


def test_the_letter_names_only_meetings_still_to_come() -> None:
    """A yearly classification names the whole cycle; a provider admitted mid-term hears only
    the meetings ahead of it, and where none is left in the cycle, the next cycle's first."""
    from clm.services.classification import letter_meetings

    assert letter_meetings(2027, [4, 10], date(2026, 12, 1)) == ", in april en oktober 2027"
    assert letter_meetings(2027, [4, 7, 10, 1], date(2027, 5, 20)) == (
        "; dit jaar nog in juli en oktober 2027 en januari 2028"
    )
    assert letter_meetings(2027, [4, 10], date(2027, 11, 20)) == (
        "; dit jaar is er geen gesprek meer, het eerste is in april 2028"
    )
    assert letter_meetings(2027, [4], date(2027, 3, 31)) == ", in april 2027"
