"""The escalation ladder of seed 004: steps, who may move where, what each step needs, the
fine's cap and the objection terms. Pure rules; the service layer records and sends."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from clm.clock import MONTHS_NL
from clm.errors import InputProblem
from clm.numbers import format_euro
from clm.rules.calendar import add_working_days
from clm.rules.config import CalendarConfig, EscalationRules


@dataclass(frozen=True)
class Step:
    number: int
    name: str

    @property
    def needs_approval(self) -> bool:
        """Steps 3 and higher need a second person's approval."""
        return self.number >= 3

    @property
    def needs_evidence(self) -> bool:
        """Steps 5 to 7 need recorded evidence of a serious wrong or of fraud."""
        return self.number >= 5

    @property
    def objectionable(self) -> bool:
        """From step 3 on the provider may object in writing."""
        return self.number >= 3


class Termination(StrEnum):
    """Step 7's two measures (seed 004: "verlengt de overeenkomst voor optiejaren niet of
    ontbindt per direct de overeenkomst ingeval van vastgestelde fraude of ernstige
    misstanden"): each has its own letter, and only dissolution needs that evidence."""

    NO_RENEWAL = "geen verlenging"  # the option years are not taken up
    DISSOLUTION = "ontbinding per direct"


STEPS: dict[int, Step] = {
    s.number: s
    for s in (
        Step(1, "Verhogen intensiteit contractmanagement"),
        Step(2, "Opstellen en uitvoeren verbeterplan"),
        Step(3, "Ingebrekestelling"),
        Step(4, "Opschorting betaling"),
        Step(5, "Cliëntenstop en/of overdracht van cliënten"),
        Step(6, "Financiële sancties (terugvordering en boete)"),
        Step(7, "Beëindiging overeenkomst"),
    )
}


class EvidenceKind(StrEnum):
    """What counts as evidence for steps 5–7 (seed 004)."""

    # a serious wrong: client safety or quality of care directly at stake
    UNSAFETY = "unsafety"  # established by the IGJ or a municipal supervisor
    CONTINUITY = "continuity"  # structural failure of continuity without an alternative
    OTHER_MUNICIPALITIES = "other_municipalities"  # substantiated negative experiences
    # fraud: deliberately misleading the principal for financial gain
    FORGERY = "forgery"  # of hours or referrals
    FALSE_BILLING = "false_billing"  # care not delivered or not referred
    EMBEZZLEMENT = "embezzlement"


# The one-time code that proves who approves a step: eight characters that cannot be
# mistaken for each other (no 0/O, no 1/I), written as two groups of four.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ONE_TIME_CODE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")


def normal_code(text: str) -> str:
    """A code as typed ('k7pq 4mx2', 'K7PQ-4MX2') in its one written form, 'K7PQ-4MX2'."""
    plain = re.sub(r"[\s-]", "", text).upper()
    return f"{plain[:4]}-{plain[4:]}" if len(plain) == 8 else plain


# A step from 3 waits this long for a second person's decision; after that the request lapses
# (the UI's wait ends, and a new request for the provider is no longer blocked by it).
APPROVAL_WINDOW_DAYS = 14

EVIDENCE_LABELS = {
    EvidenceKind.UNSAFETY: "onveiligheid vastgesteld door IGJ of gemeentelijk toezichthouder",
    EvidenceKind.CONTINUITY: "structurele tekortkoming in continuïteit zonder alternatief",
    EvidenceKind.OTHER_MUNICIPALITIES: "onderbouwde negatieve ervaringen van andere gemeenten",
    EvidenceKind.FORGERY: "valsheid in geschrifte (uren of indicaties)",
    EvidenceKind.FALSE_BILLING: "declareren van niet geleverde of niet geïndiceerde zorg",
    EvidenceKind.EMBEZZLEMENT: "verduistering van middelen voor de Jeugdwet",
}


@dataclass(frozen=True)
class EvidenceItem:
    kind: EvidenceKind
    source: str
    document: str


def check_move(
    current: int | None,
    target: int,
    reason: str,
    *,
    heard_on: date | None,
    urgency: str,
    evidence: list[EvidenceItem],
    termination: Termination | None = None,
) -> list[InputProblem]:
    """Why a move to step ``target`` is refused (empty: allowed).

    Opening needs a hearing of the provider or a recorded urgency; any step may be entered
    directly or skipped to (seed 004: maatwerk in inschaling); steps 5–7 need evidence with
    its kind, source and document reference.
    """
    problems = []
    where = "parameters"
    if target not in STEPS:
        return [InputProblem(where, f"trede {target} bestaat niet (1 tot en met 7)", column="step")]
    if current == target:
        problems.append(
            InputProblem(where, f"de escalatie staat al op trede {target}", column="step")
        )
    if len(reason.strip()) < 10:
        problems.append(
            InputProblem(
                where, "een onderbouwing van minstens 10 tekens is verplicht", column="reason"
            )
        )
    if current is None and heard_on is None and len(urgency.strip()) < 10:
        problems.append(
            InputProblem(
                where,
                "eerst wederhoor: leg het horen van de aanbieder "
                "vast (datum en samenvatting) of onderbouw de spoed",
                column="heard_on",
            )
        )
    if target == 7 and termination is None:
        problems.append(
            InputProblem(
                where,
                "kies bij trede 7 de maatregel: geen verlenging voor de optiejaren, of "
                "ontbinding per direct (alleen bij vastgestelde fraude of ernstige misstanden)",
                column="termination",
            )
        )
    # not renewing is the region's right at the end of a term; dissolution needs the proof
    if STEPS[target].needs_evidence and termination != Termination.NO_RENEWAL:
        complete = [e for e in evidence if e.source.strip() and e.document.strip()]
        if not complete:
            problems.append(
                InputProblem(
                    where,
                    f"trede {target} vraagt vastgelegd bewijs van een ernstige misstand of "
                    "fraude (soort, bron en documentverwijzing)",
                    column="evidence",
                )
            )
    return problems


def revenue_window(as_of: date) -> tuple[date, date]:
    """The period whose regional revenue caps a fine (seed 004, step 6: "maximaal 5% van de
    regionale omzet"): the twelve complete calendar months before the month of ``as_of``.
    A request on 15 June 2026 counts June 2025 up to and including May 2026; declarations
    are per month, so a month is counted whole or not at all."""
    end = as_of.replace(day=1) - timedelta(days=1)
    start = date(end.year - 1, end.month, 1) + timedelta(days=31)
    return start.replace(day=1), end


def revenue_window_text(as_of: date) -> str:
    """The window in words, as letters and refusals show it: 'juni 2025 t/m mei 2026'."""
    start, end = revenue_window(as_of)
    return f"{MONTHS_NL[start.month - 1]} {start.year} t/m {MONTHS_NL[end.month - 1]} {end.year}"


def fine_cap(revenue_last_12_months: Decimal, rules: EscalationRules) -> Decimal:
    """The highest fine: a percentage (5%) of the regional revenue, rounded down to the cent."""
    cap = revenue_last_12_months * Decimal(str(rules.max_fine_percent)) / 100
    return cap.quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def check_fine(
    amount: Decimal,
    revenue_last_12_months: Decimal,
    rules: EscalationRules,
    window: str = "de laatste twaalf volledige maanden",
) -> list[InputProblem]:
    """A fine above the cap is refused, with the cap and the revenue window shown."""
    cap = fine_cap(revenue_last_12_months, rules)
    if amount < 0:
        return [InputProblem("parameters", "de boete kan niet negatief zijn", column="fine")]
    if amount > cap:
        return [
            InputProblem(
                "parameters",
                f"boete {format_euro(amount)} is hoger dan het maximum van "
                f"{rules.max_fine_percent:g}% van de regionale omzet over {window} "
                f"({format_euro(revenue_last_12_months)}): ten hoogste {format_euro(cap)}",
                column="fine",
            )
        ]
    return []


@dataclass(frozen=True)
class StepTerms:
    """The deadlines a step sets, as dates."""

    answer_due: date | None = None  # step 1
    plan_due: date | None = None  # step 2
    review_due: date | None = None  # step 2: the region reviews the plan
    recovery_due: date | None = None  # step 3
    objection_due: date | None = None  # step 3 and higher


def step_terms(
    step: int,
    on: date,
    rules: EscalationRules,
    cal: CalendarConfig,
    *,
    acute: bool = False,
    recovery_days: int | None = None,
) -> StepTerms:
    """The working-day deadlines of a step taken on ``on``."""
    objection = add_working_days(on, rules.objection_working_days, cal) if step >= 3 else None
    if step == 1:
        days = rules.acute_answer_working_days if acute else rules.answer_working_days
        return StepTerms(answer_due=add_working_days(on, days, cal))
    if step == 2:
        plan = add_working_days(on, rules.improvement_plan_working_days, cal)
        return StepTerms(
            plan_due=plan, review_due=add_working_days(plan, rules.plan_review_working_days, cal)
        )
    if step == 3:
        days = recovery_days or rules.recovery_working_days
        return StepTerms(recovery_due=add_working_days(on, days, cal), objection_due=objection)
    return StepTerms(objection_due=objection)


@dataclass(frozen=True)
class ObjectionOutcome:
    in_time: bool
    suspends_measure: bool
    director_talk_due: date


def judge_objection(
    measure_on: date,
    received_on: date,
    *,
    safety_or_fraud: bool,
    rules: EscalationRules,
    cal: CalendarConfig,
) -> ObjectionOutcome:
    """An objection against a measure: in time or late; whether it suspends the measure (only
    in time, and never when the measure is needed for client safety or to stop fraud); the
    deadline of the director-level talk."""
    due = add_working_days(measure_on, rules.objection_working_days, cal)
    in_time = received_on <= due
    return ObjectionOutcome(
        in_time=in_time,
        suspends_measure=in_time and not safety_or_fraud,
        director_talk_due=add_working_days(received_on, rules.director_talk_working_days, cal),
    )
