"""Quarters and meeting months as values: '2027-Q1' and '2027-04' as stored and typed, their
parts, the one before or after, and how a Dutch sentence says them. Every place that needs a
quarter's or a meeting month's parts asks these, instead of slicing the string."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# the quarterly cycle of meetings; January belongs to the year before it
MEETING_MONTHS = (4, 7, 10, 1)

_MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
_MONTH_PATTERN = re.compile(r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{2})$")
_PATTERN = re.compile(r"^(?P<year>[0-9]{4})-Q(?P<number>[1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2027-Q1' → Quarter(2027, 1); anything else is a ValueError."""
        match = _PATTERN.match(text.strip())
        if match is None:
            raise ValueError(f"'{text}' is geen kwartaal (zoals 2027-Q1)")
        return cls(int(match["year"]), int(match["number"]))

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter a day lies in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        """'1e kwartaal 2027', as a Dutch sentence says it."""
        return f"{self.number}e kwartaal {self.year}"

    @property
    def first_month(self) -> int:
        return 3 * self.number - 2

    @property
    def first_day(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def back(self, count: int) -> list[Quarter]:
        """``count`` quarters ending with this one, oldest first."""
        out = [self]
        while len(out) < count:
            out.append(out[-1].previous())
        return out[::-1]


@dataclass(frozen=True, order=True)
class MeetingMonth:
    """A month of the quarterly meeting cycle (April, July, October, January): the month a
    progress meeting is held in, the quarter whose figures it discusses and the
    classification year it belongs to."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if self.month not in MEETING_MONTHS:
            raise ValueError(
                f"{self.year}-{self.month:02d} is geen gespreksmaand (april, juli, oktober of "
                "januari)"
            )

    @classmethod
    def parse(cls, text: str) -> MeetingMonth:
        """'2027-04' → MeetingMonth(2027, 4); another month or form is a ValueError."""
        match = _MONTH_PATTERN.match(text.strip())
        if match is None:
            raise ValueError(f"'{text}' is geen maand (zoals 2027-04)")
        return cls(int(match["year"]), int(match["month"]))

    @classmethod
    def of(cls, day: date) -> MeetingMonth:
        """The meeting month ``day`` lies in (a ValueError outside the cycle)."""
        return cls(day.year, day.month)

    @classmethod
    def after(cls, day: date) -> MeetingMonth:
        """The first meeting month after ``day``'s month."""
        year, month = day.year, day.month
        while True:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            if month in MEETING_MONTHS:
                return cls(year, month)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        """'april 2027', as a Dutch sentence says it."""
        return f"{_MONTH_NAMES[self.month - 1]} {self.year}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def cycle_year(self) -> int:
        """The classification year it belongs to: January closes the year before."""
        return self.year - 1 if self.month == 1 else self.year

    @property
    def quarter(self) -> Quarter:
        """The quarter whose figures the meeting discusses: April → Q1, January → Q4."""
        return Quarter.of(self.first_day).previous()

    def next(self) -> MeetingMonth:
        return MeetingMonth.after(self.first_day)


def quarter_year(quarter: str) -> int:
    """2027 for '2027-Q1'."""
    return Quarter.parse(quarter).year


def last_full_quarter(as_of: date) -> str:
    """The last quarter that ended before ``as_of``: 2026-Q3 on 23 November 2026."""
    q = (as_of.month - 1) // 3  # quarters completed this year
    return f"{as_of.year - 1}-Q4" if q == 0 else f"{as_of.year}-Q{q}"
