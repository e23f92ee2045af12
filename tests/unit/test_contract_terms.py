"""Contract terms as dates (clm.rules.contracts): decision days, option years, the outlook."""

from __future__ import annotations

from datetime import date

import pytest

from clm.rules.contracts import (
    Term,
    default_decide_by,
    next_term_end,
    outlook_end,
    shift_months,
    term_text,
)
from clm.rules.vocabulary import ContractStatus


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 12, 31), -6, date(2027, 6, 30)),
        (date(2027, 6, 30), -6, date(2026, 12, 31)),  # a month's end stays a month's end
        (date(2028, 2, 29), -12, date(2027, 2, 28)),
        (date(2027, 8, 31), -6, date(2027, 2, 28)),
        (date(2027, 3, 15), -3, date(2026, 12, 15)),
        (date(2027, 1, 30), 1, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # 30-11 is November's last day
        (date(2027, 1, 1), 24, date(2029, 1, 1)),
    ],
)
def test_shift_months(day: date, months: int, expected: date) -> None:
    assert shift_months(day, months) == expected


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (date(2027, 12, 31), date(2028, 12, 31)),
        (date(2027, 6, 30), date(2028, 6, 30)),
        (date(2028, 2, 28), date(2029, 2, 28)),  # 2028 is a leap year: 28-02 is no month end
        (date(2028, 2, 29), date(2029, 2, 28)),
        (date(2027, 2, 28), date(2028, 2, 29)),  # a year from 01-03-2027 ends 29-02-2028
        (date(2027, 7, 14), date(2028, 7, 14)),
    ],
)
def test_an_option_year_adds_a_calendar_year(end: date, expected: date) -> None:
    assert next_term_end(end) == expected


def test_the_default_decision_day_and_the_outlook() -> None:
    assert default_decide_by(date(2027, 12, 31), 6) == date(2027, 6, 30)
    assert outlook_end("2026-Q3") == date(2027, 3, 31)
    assert outlook_end("2026-Q4") == date(2027, 6, 30)


def _term(**change: object) -> Term:
    values = {
        "lot": "AMB",
        "agreement": "RO",
        "start_on": date(2025, 1, 1),
        "end_on": date(2027, 12, 31),
        "option_years": 2,
        "decide_by": date(2027, 6, 30),
        "status": ContractStatus.ACTIVE,
    }
    return Term(**{**values, **change})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("term", "as_of", "text", "waits"),
    [
        (
            _term(),
            date(2027, 1, 1),
            "AMB t/m 31-12-2027, 2 optiejaren (besluit uiterlijk 30-06-2027)",
            True,
        ),
        (
            _term(option_years=1),
            date(2027, 1, 1),
            "AMB t/m 31-12-2027, 1 optiejaar (besluit uiterlijk 30-06-2027)",
            True,
        ),
        (
            _term(option_years=0, decide_by=None),
            date(2027, 1, 1),
            "AMB t/m 31-12-2027, geen optiejaren",
            False,
        ),
        (
            _term(status=ContractStatus.NOT_RENEWED),
            date(2027, 1, 1),
            "AMB t/m 31-12-2027, niet verlengd",
            False,
        ),
        (
            _term(status=ContractStatus.DISSOLVED, ended_on=date(2027, 4, 1)),
            date(2027, 5, 1),
            "AMB ontbonden per 01-04-2027",
            False,
        ),
        (_term(), date(2028, 1, 1), "AMB afgelopen op 31-12-2027", True),
    ],
)
def test_a_term_in_words(term: Term, as_of: date, text: str, waits: bool) -> None:
    assert term_text(term, as_of) == text
    assert term.awaits_decision() is waits
