"""The commands staff give, each defined once: the forms build them (``to_command``) and the
services take them. Plain dataclasses, no storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from clm.clock import dutch_date
from clm.rules.amendments import ChangeKind, Origin
from clm.rules.escalation import EvidenceItem, Termination


@dataclass(frozen=True)
class ReferencePeriod:
    """The months whose declarations give the factual criteria (both ends inclusive)."""

    start: date
    end: date

    @classmethod
    def calendar_year(cls, year: int) -> ReferencePeriod:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def text(self) -> str:
        return f"{dutch_date(self.start)} t/m {dutch_date(self.end)}"


@dataclass(frozen=True)
class JudgedInput:
    """Judged scores of one provider (1-10 each), with the reason."""

    provider_code: str
    specialisation: int
    information: int
    political_importance: int
    remark: str = ""


@dataclass(frozen=True)
class CheckItem:
    """The answer for one requirement: met or not, and where the proof is."""

    key: str
    met: bool
    document: str = ""


@dataclass
class Application:
    """What a joining provider submits, with the region's check of the requirements."""

    code: str
    name: str
    contact_name: str
    contact_email: str
    contract_manager: str
    care_types: list[str]
    applied_on: date
    checklist: list[CheckItem]
    specialisation: int
    information: int
    political_importance: int
    board_email: str = ""
    address: str = ""
    remarks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StepRequest:
    """What a contract manager asks: the step and everything the ladder needs for it."""

    provider_code: str
    step: int
    reason: str
    requested_by: str
    heard_on: date | None = None
    hearing_summary: str = ""
    urgency: str = ""
    evidence: tuple[EvidenceItem, ...] = ()
    acute: bool = False
    safety_or_fraud: bool = False
    fine: Decimal | None = None
    reclaim: Decimal | None = None
    measure: str = ""
    recovery_days: int | None = None  # step 3: the reasonable term of this case (config default)
    skip_reason: str = ""  # step 4 without a passed notice of default: why
    termination: Termination | None = None  # step 7: not renewing, or dissolving at once
    ends_on: date | None = None  # step 7, dissolution: the contracts end (empty: when taken)


@dataclass(frozen=True)
class GroupAction:
    """An action from the group meeting: what, who (AGB code or staff key), by when."""

    description: str
    holder: str
    deadline: date


@dataclass(frozen=True)
class CrashedRun:
    """A run a staff member started that crashed: on their list until they mark it done."""

    run_id: str
    flow: str
    link: str
    detail: str


@dataclass(frozen=True)
class AmendmentProposal:
    """What staff propose: the change, whom it concerns, why and from when."""

    title: str
    description: str
    change_kind: ChangeKind
    reason: str
    effective_on: date
    proposed_by: str
    target: str = ""  # the KPI code (norm, KPI), the tariff or the requirement
    new_value: str = ""
    lots: tuple[str, ...] = ()  # empty: every lot
    provider_codes: tuple[str, ...] = ()  # empty: every provider holding one of the lots
    origin: Origin = Origin.STAFF
    origin_ref: str = ""  # the group meeting (its date), or the staff member's note
