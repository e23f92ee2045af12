"""Quarters as one value: '2027-Q1' as stored, its year, its days, the quarter before it and
how a Dutch sentence says it. Every place that needs a quarter's parts asks this, instead of
slicing the string."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

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


def quarter_year(quarter: str) -> int:
    """2027 for '2027-Q1'."""
    return Quarter.parse(quarter).year


def last_full_quarter(as_of: date) -> str:
    """The last quarter that ended before ``as_of``: 2026-Q3 on 23 November 2026."""
    q = (as_of.month - 1) // 3  # quarters completed this year
    return f"{as_of.year - 1}-Q4" if q == 0 else f"{as_of.year}-Q{q}"
