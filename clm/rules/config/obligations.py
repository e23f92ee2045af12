"""What a provider is held to in the region configuration: KPIs and their norms, the escalation
ladder, the requirements for admission."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import Strict
from .region import Role


class EscalationRules(Strict):
    """Terms of the escalation ladder (seed 004), in working days."""

    answer_working_days: Annotated[int, Field(ge=1, le=40)] = 15  # step 1
    acute_answer_working_days: Annotated[int, Field(ge=1, le=15)] = 5  # step 1, acute risk
    improvement_plan_working_days: Annotated[int, Field(ge=1, le=60)] = 20  # step 2
    plan_review_working_days: Annotated[int, Field(ge=1, le=60)] = 10  # step 2: after the plan
    recovery_working_days: Annotated[int, Field(ge=1, le=120)] = 20  # step 3 default
    objection_working_days: Annotated[int, Field(ge=1, le=20)] = 5
    director_talk_working_days: Annotated[int, Field(ge=1, le=30)] = 10
    reminder_working_days: Annotated[int, Field(ge=0, le=20)] = 3
    max_fine_percent: Annotated[float, Field(gt=0, le=100)] = 5
    # a delivered KPI this far (percent of the norm) on the wrong side of it is a signal
    kpi_signal_margin_percent: Annotated[float, Field(ge=0, le=100)] = 25
    # who may approve a step from 3 on (never its requester): each gets a one-time code by mail
    approver_role: Role = Role.CONTRACT_MANAGER


DeclarationMeasure = Literal["clients", "revenue", "municipalities", "months_per_client"]


class Kpi(Strict):
    """A key performance indicator (seed 002) with its norm per year.

    Seed 002: norms from 2025, result obligations from 2026. ``norms`` gives the norm per year
    (a year without its own norm keeps the last earlier one); ``norm`` is the norm when no
    yearly norms are given. From ``obligation_from`` on, missing the norm is a breach of a
    result obligation, which raises a signal. A KPI comes from the provider's data sheet or is
    computed from the declarations (``measure``).
    """

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    # a table cell on the analysis page, a plot's row, an agenda line: a name, not a text
    label: Annotated[str, Field(min_length=1, max_length=200)]
    unit: Literal["percentage", "aantal", "weken", "cijfer", "dagen", "maanden", "euro"]
    direction: Literal["higher", "lower"]
    norm: float | None = None
    norms: dict[Annotated[int, Field(ge=2000, le=2100)], float] = {}
    obligation_from: Annotated[int, Field(ge=2000, le=2100)] | None = None
    # Why this KPI with a norm is *not* a result obligation (empty: it is one, from the
    # region's result_obligations_from, seed 002).
    no_obligation: str = ""
    source: Literal["data_sheet", "declarations"] = "data_sheet"
    measure: DeclarationMeasure | None = None
    minimum: float = 0
    maximum: float | None = None
    # a figure of each organisation (staff in service): a main contractor's data sheet has a
    # row for each of its subcontractors too
    per_organisation: bool = False
    # Norms changed by an applied amendment (clm.services.amendments.terms_in_force), by the
    # first quarter they count for ('2027-Q3'); not read from the YAML.
    amended_norms: dict[str, float] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="after")
    def _measure_fits_source(self) -> Kpi:
        if self.source == "declarations" and self.measure is None:
            raise ValueError("measure: verplicht bij source 'declarations'")
        if self.source == "data_sheet" and self.measure is not None:
            raise ValueError("measure: alleen bij source 'declarations'")
        if self.obligation_from is not None and self.norm_for(self.obligation_from) is None:
            raise ValueError(
                f"obligation_from: geen norm voor {self.obligation_from} (norm of norms nodig)"
            )
        if self.obligation_from is not None and self.no_obligation.strip():
            raise ValueError("obligation_from en no_obligation sluiten elkaar uit")
        return self

    def with_default_obligation(self, from_year: int | None) -> Kpi:
        """This KPI as a result obligation from ``from_year`` (or its first year with a norm
        after it) when it has a norm, sets no year of its own and gives no reason not to be."""
        if from_year is None or self.obligation_from is not None or self.no_obligation.strip():
            return self
        start = next((y for y in range(from_year, 2101) if self.norm_for(y) is not None), None)
        if start is None:  # no norm at all: nothing to be obliged to
            return self
        return self.model_copy(update={"obligation_from": start})

    def norm_for(self, period: int | str) -> float | None:
        """The norm that holds in ``period``, a year or a quarter ('2027-Q3'); None: no norm
        set for it yet. The norm that started last wins: a yearly norm of the config from
        its first quarter, an amended norm from the quarter it counts for."""
        quarter = f"{period}-Q1" if isinstance(period, int) else period
        year = int(quarter[:4])
        started: list[tuple[str, int, float]] = []  # (from, amended, norm): the latest wins
        if self.norms:
            earlier = [y for y in self.norms if y <= year]
            if earlier:
                started.append((f"{max(earlier)}-Q1", 0, self.norms[max(earlier)]))
        elif self.norm is not None:
            started.append(("0000-Q0", 0, self.norm))
        started += [(q, 1, v) for q, v in self.amended_norms.items() if q <= quarter]
        return max(started)[2] if started else None

    def is_obligation(self, year: int) -> bool:
        """Whether the norm is a result obligation in ``year``."""
        return self.obligation_from is not None and year >= self.obligation_from


class Requirement(Strict):
    """A hard requirement checked when a provider applies to join (seed 003)."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: str


class AdmissionRules(Strict):
    """Admission of providers that join mid-term under dynamic contracting (seed 003)."""

    assessment_months: Annotated[int, Field(ge=1, le=12)] = 6  # "maximaal zes maanden"
    reminder_working_days: list[Annotated[int, Field(ge=1, le=60)]] = [20, 5]
    requirements: list[Requirement] = [
        Requirement(key="big", label="BIG-registratie van de behandelaars"),
        Requirement(key="kvk", label="Inschrijving in het Handelsregister (KvK)"),
        Requirement(key="vog", label="Verklaring omtrent het gedrag (VOG) van de medewerkers"),
        Requirement(key="agb", label="AGB-code"),
    ]
