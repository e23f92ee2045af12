"""The escalation ladder's rules (seed 004): moves, approval, evidence, fine cap, objections."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clm.rules.config import RegionConfig
from clm.rules.escalation import (
    STEPS,
    EvidenceItem,
    EvidenceKind,
    Termination,
    check_fine,
    check_move,
    fine_cap,
    judge_objection,
    step_terms,
)

REASON = "Wachttijden structureel boven de norm"
PROOF = [EvidenceItem(EvidenceKind.UNSAFETY, "IGJ-rapport 2027-014", "dossier/igj-2027-014.pdf")]


def _problems(current, target, **kw) -> list[str]:  # noqa: ANN001
    args = {"reason": REASON, "heard_on": date(2027, 5, 3), "urgency": "", "evidence": []} | kw
    if target == 7:  # step 7 is one of its two measures; dissolution is the one needing proof
        args.setdefault("termination", Termination.DISSOLUTION)
    return [str(p) for p in check_move(current, target, args.pop("reason"), **args)]


def test_steps_and_what_they_need() -> None:
    assert [s.number for s in STEPS.values()] == [1, 2, 3, 4, 5, 6, 7]
    assert [s.needs_approval for s in STEPS.values()] == [False, False] + [True] * 5
    assert [s.needs_evidence for s in STEPS.values()] == [False] * 4 + [True] * 3
    assert [s.objectionable for s in STEPS.values()] == [False, False] + [True] * 5


@pytest.mark.parametrize(
    ("current", "target"), [(None, 1), (None, 3), (1, 2), (1, 4), (4, 2), (None, 5), (2, 7)]
)
def test_allowed_moves_skip_and_enter_higher(current: int | None, target: int) -> None:
    assert _problems(current, target, evidence=PROOF) == []


def test_refused_moves() -> None:
    assert any("trede 8 bestaat niet" in p for p in _problems(1, 8))
    assert any("staat al op trede 2" in p for p in _problems(2, 2))
    assert any("onderbouwing" in p for p in _problems(1, 2, reason="kort"))
    assert any("eerst wederhoor" in p for p in _problems(None, 1, heard_on=None))
    # urgency instead of a hearing, recorded with a reason
    assert _problems(None, 1, heard_on=None, urgency="Acute onveiligheid op de groep") == []
    # a hearing is only asked when opening
    assert _problems(1, 2, heard_on=None) == []


@pytest.mark.parametrize("target", [5, 6, 7])
def test_heaviest_steps_need_evidence(target: int) -> None:
    assert any("vraagt vastgelegd bewijs" in p for p in _problems(3, target))
    incomplete = [EvidenceItem(EvidenceKind.FORGERY, "", "")]
    assert any("vraagt vastgelegd bewijs" in p for p in _problems(3, target, evidence=incomplete))
    assert _problems(3, target, evidence=PROOF) == []


def test_fine_cap(cfg: RegionConfig) -> None:
    revenue = Decimal("1234567.89")
    assert fine_cap(revenue, cfg.escalation) == Decimal("61728.39")
    assert check_fine(Decimal("61728.39"), revenue, cfg.escalation) == []
    refused = [str(p) for p in check_fine(Decimal("61728.40"), revenue, cfg.escalation)]
    assert refused and "ten hoogste € 61.728,39" in refused[0]
    assert "€ 1.234.567,89" in refused[0]
    assert check_fine(Decimal("-1"), revenue, cfg.escalation)


def test_step_terms_in_working_days(cfg: RegionConfig) -> None:
    rules, cal = cfg.escalation, cfg.calendar
    # 22 December 2026: Christmas, 24 and 31 December closed, New Year
    assert step_terms(1, date(2026, 12, 22), rules, cal).answer_due == date(2027, 1, 18)
    assert step_terms(1, date(2026, 12, 22), rules, cal, acute=True).answer_due == date(2027, 1, 4)
    terms = step_terms(3, date(2027, 4, 22), rules, cal)  # the week of King's Day
    assert terms.objection_due == date(2027, 4, 30)
    assert terms.recovery_due == date(2027, 5, 26)  # Liberation Day, Ascension, Whit Monday
    plan = step_terms(2, date(2027, 4, 22), rules, cal)
    assert (plan.plan_due, plan.review_due) == (date(2027, 5, 26), date(2027, 6, 9))
    assert step_terms(4, date(2027, 4, 22), rules, cal).objection_due == date(2027, 4, 30)


@pytest.mark.parametrize(
    ("received", "safety", "in_time", "suspends"),
    [
        (date(2027, 4, 30), False, True, True),  # last day of the term
        (date(2027, 4, 30), True, True, False),  # client safety or fraud: no suspension
        (date(2027, 5, 3), False, False, False),  # late: recorded, does not suspend
    ],
)
def test_objections(
    cfg: RegionConfig, received: date, safety: bool, in_time: bool, suspends: bool
) -> None:
    outcome = judge_objection(
        date(2027, 4, 22), received, safety_or_fraud=safety, rules=cfg.escalation, cal=cfg.calendar
    )
    assert (outcome.in_time, outcome.suspends_measure) == (in_time, suspends)
    assert outcome.director_talk_due > received


@pytest.mark.parametrize(
    ("as_of", "start", "end", "words"),
    [
        # seed 004, step 6: "maximaal 5% van de regionale omzet": twelve complete months
        # before the month of the request, never the month of the request itself
        (date(2026, 6, 15), date(2025, 6, 1), date(2026, 5, 31), "juni 2025 t/m mei 2026"),
        (date(2026, 6, 1), date(2025, 6, 1), date(2026, 5, 31), "juni 2025 t/m mei 2026"),
        (date(2026, 6, 30), date(2025, 6, 1), date(2026, 5, 31), "juni 2025 t/m mei 2026"),
        (date(2026, 1, 5), date(2025, 1, 1), date(2025, 12, 31), "januari 2025 t/m december 2025"),
        (date(2028, 3, 1), date(2027, 3, 1), date(2028, 2, 29), "maart 2027 t/m februari 2028"),
    ],
)
def test_the_fine_cap_counts_twelve_complete_months(
    as_of: date, start: date, end: date, words: str
) -> None:
    from clm.rules.escalation import revenue_window, revenue_window_text

    assert revenue_window(as_of) == (start, end)
    assert revenue_window_text(as_of) == words
