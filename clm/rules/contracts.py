"""Contract terms as dates: a lot's term, its option years and the decision before each.

Seed 004, step 7: "SDFL verlengt de overeenkomst voor optiejaren niet of ontbindt per direct
de overeenkomst". A lot (perceel) runs from its start to the end of its current term; each
option year still open extends it by one year when the region decides so, before a date
(the register's, or ``contracts.option_decision_months`` before the end). Plain functions of
dates; the register itself is ``clm.services.contracts``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from clm.rules.quarters import Quarter
from clm.rules.vocabulary import ContractStatus

OUTLOOK_QUARTERS = 2  # the regional analysis looks this far ahead (issue: "two quarters")


def shift_months(day: date, months: int) -> date:
    """``day`` moved by whole months. A month's last day stays a month's last day (a term
    ending 30-06 decided six months earlier: 31-12); a 31st where the month is shorter falls
    back to its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, month + 1, last)
    return date(year, month + 1, min(day.day, last))


def default_decide_by(end_on: date, months: int) -> date:
    """The day the region decides on the next option year when the register names none."""
    return shift_months(end_on, -months)


def next_term_end(end_on: date) -> date:
    """The end of the term that one option year adds after a term ending on ``end_on``:
    a year later, by the calendar (31-12-2027 → 31-12-2028; a month's end stays one, so
    28-02-2027 → 29-02-2028)."""
    return shift_months(end_on, 12)


@dataclass(frozen=True)
class Term:
    """A lot's contract as the letters and tables describe it."""

    lot: str
    agreement: str
    start_on: date
    end_on: date
    option_years: int
    decide_by: date | None
    status: ContractStatus
    ended_on: date | None = None

    def last_day(self) -> date:
        """The day the contract ends as things stand (dissolved: that day)."""
        return self.ended_on if self.ended_on is not None else self.end_on

    def running(self, as_of: date) -> bool:
        """Whether the contract holds on ``as_of``."""
        return self.start_on <= as_of <= self.last_day()

    def awaits_decision(self) -> bool:
        """An option year is open and nobody decided on it yet."""
        return (
            self.status == ContractStatus.ACTIVE
            and self.option_years > 0
            and self.decide_by is not None
        )


def outlook_end(quarter: str) -> date:
    """The last day of the window the analysis of ``quarter`` looks ahead over."""
    q = Quarter.parse(quarter)
    for _ in range(OUTLOOK_QUARTERS):
        q = q.next()
    return q.last_day


def term_text(term: Term, as_of: date) -> str:
    """One line for a table or a letter: 'AMB t/m 31-12-2027, 2 optiejaren (besluit
    uiterlijk 30-06-2027)'."""
    end = f"{term.last_day():%d-%m-%Y}"
    if term.status == ContractStatus.DISSOLVED:
        return f"{term.lot} ontbonden per {end}"
    if term.last_day() < as_of:
        return f"{term.lot} afgelopen op {end}"
    if term.status == ContractStatus.NOT_RENEWED:
        return f"{term.lot} t/m {end}, niet verlengd"
    if term.option_years == 0:
        return f"{term.lot} t/m {end}, geen optiejaren"
    years = (
        f"{term.option_years} optiejaar"
        if term.option_years == 1
        else (f"{term.option_years} optiejaren")
    )
    decide = f" (besluit uiterlijk {term.decide_by:%d-%m-%Y})" if term.decide_by else ""
    return f"{term.lot} t/m {end}, {years}{decide}"
