"""The region's configuration: schema, loading and validation.

The YAML file is the region's own; everything in it that shapes decisions (classification model,
staff, municipalities) is validated at load, and every error names the file and the key.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from clm.errors import ConfigError
from clm.rules.agenda import SEED_004_THEMES, AgendaItem, Theme, build_agenda
from clm.rules.quarters import MEETING_MONTHS


class Strict(BaseModel):
    """Base for config sections: unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(Strict):
    name: str
    organisation: str
    address: str = ""
    website: str = ""
    timezone: str = "Europe/Amsterdam"


class Municipality(Strict):
    code: Annotated[str, Field(pattern=r"^GM[0-9]{4}$")]
    name: str


class CareType(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9_-]{0,19}$")]
    name: str


class Role(StrEnum):
    CONTRACT_MANAGER = "contract_manager"
    CONTRACT_ADMINISTRATION = "contract_administration"
    SUPPORT_OFFICER = "support_officer"
    POLICY = "policy"
    CONTROL = "control"
    FUNCTIONAL_ADMINISTRATOR = "functional_administrator"


ROLE_LABELS = {
    Role.CONTRACT_MANAGER: "contractmanager",
    Role.CONTRACT_ADMINISTRATION: "contractbeheer",
    Role.SUPPORT_OFFICER: "ondersteuner",
    Role.POLICY: "beleid",
    Role.CONTROL: "control",
    Role.FUNCTIONAL_ADMINISTRATOR: "functioneel beheer",
}


class StaffMember(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: str
    email: EmailStr
    role: Role
    phone: str = ""


class Mail(Strict):
    sender_name: str
    sender_email: EmailStr
    # the region mailbox that replies reach (read by the mailbox flow); default the sender
    reply_to: EmailStr | None = None
    # a mail that expects an answer is answered to reply_to+CLM-<reference>@…: set false
    # when the region's mail server does not deliver plus-addresses to the mailbox (the
    # reference then travels in the subject and the reply headers only)
    reply_tags: bool = True

    @property
    def reply_address(self) -> str:
        """Where providers' answers go: the region mailbox."""
        return str(self.reply_to or self.sender_email)


class MailboxRules(Strict):
    """What the mailbox flow does with post it cannot act on."""

    # who gets unmatched post on their work list; default every support officer
    post_handler: str | None = None
    # a message larger than this is not read (kept in the mailbox, on the work list)
    max_message_mb: Annotated[int, Field(ge=1, le=100)] = 25


class ContractRules(Strict):
    """The contract register's terms (seed 004, step 7; seed 003, amendments)."""

    # without a date in the register, the region decides on the next option year this many
    # months before the current term ends
    option_decision_months: Annotated[int, Field(ge=1, le=24)] = 6
    # reminders to the contract manager, in working days before that date
    option_reminder_working_days: list[Annotated[int, Field(ge=1, le=120)]] = [40, 10]
    # amendments during the term: the providers concerned react within this many working days
    amendment_reaction_working_days: Annotated[int, Field(ge=5, le=60)] = 15
    # the next procurement moment (seed 003): an amendment that disadvantages a party waits
    # for it; empty: the deferral mail names no date
    next_procurement_on: date | None = None


class Band(Strict):
    """From this value on (inclusive), the criterion scores these points."""

    from_value: Annotated[float, Field(alias="from", ge=0)]
    points: Annotated[int, Field(ge=1, le=10)]


class Criterion(Strict):
    label: str
    weight: Annotated[float, Field(gt=0)]
    bands: list[Band] | None = None

    @field_validator("bands")
    @classmethod
    def _bands_cover_and_ascend(cls, bands: list[Band] | None) -> list[Band] | None:
        if bands is None:
            return None
        if not bands or bands[0].from_value != 0:
            raise ValueError(
                "de eerste band moet beginnen bij 'from: 0' zodat elke waarde punten krijgt"
            )
        for lower, upper in zip(bands, bands[1:], strict=False):
            if upper.from_value <= lower.from_value:
                raise ValueError("'from'-waarden moeten strikt oplopen")
            if upper.points < lower.points:
                raise ValueError("punten mogen niet dalen bij een hogere waarde")
        return bands


FACTUAL = ("clients", "municipalities", "revenue")
JUDGED = ("specialisation", "information", "political_importance")


class Criteria(Strict):
    """The six criteria of the classification model (seed 000)."""

    clients: Criterion
    municipalities: Criterion
    revenue: Criterion
    specialisation: Criterion
    information: Criterion
    political_importance: Criterion

    @model_validator(mode="after")
    def _factual_have_bands(self) -> Criteria:
        for key in FACTUAL:
            if getattr(self, key).bands is None:
                raise ValueError(f"{key}: een feitelijk criterium heeft 'bands' nodig")
        for key in JUDGED:
            if getattr(self, key).bands is not None:
                raise ValueError(f"{key}: een beoordeeld criterium heeft geen 'bands' (score 1-10)")
        return self


class Category(Strict):
    number: Annotated[int, Field(ge=1, le=4)]
    label: str
    min_score: Annotated[float, Field(ge=1, le=10)]
    meeting_months: list[int]

    @field_validator("meeting_months")
    @classmethod
    def _quarter_months(cls, months: list[int]) -> list[int]:
        if not months:
            raise ValueError("minstens één gespreksmaand")
        bad = [m for m in months if m not in MEETING_MONTHS]
        if bad:
            raise ValueError(
                f"maanden {bad} horen niet bij de cyclus april, juli, oktober, januari"
            )
        if len(set(months)) != len(months):
            raise ValueError("een maand staat er dubbel in")
        return sorted(months, key=MEETING_MONTHS.index)

    @property
    def meetings_per_year(self) -> int:
        return len(self.meeting_months)


class Classification(Strict):
    criteria: Criteria
    categories: list[Category]
    allow_missing_judged: bool = False
    letter_on_change_only: bool = True

    @field_validator("categories")
    @classmethod
    def _four_descending(cls, cats: list[Category]) -> list[Category]:
        if [c.number for c in cats] != [1, 2, 3, 4]:
            raise ValueError("precies vier categorieën, in volgorde 1, 2, 3, 4")
        for higher, lower in zip(cats, cats[1:], strict=False):
            if lower.min_score >= higher.min_score:
                raise ValueError("min_score moet dalen van categorie 1 naar 4")
        if cats[-1].min_score > 1:
            raise ValueError("categorie 4 moet bij score 1 beginnen (min_score: 1)")
        return cats

    def category_for(self, score: float) -> Category:
        """The category whose band holds this (rounded) score."""
        for cat in self.categories:
            if score >= cat.min_score:
                return cat
        return self.categories[-1]


class CalendarConfig(Strict):
    """The region's own closures and openings on top of the Dutch public holidays."""

    closed_dates: frozenset[date] = frozenset()
    closed_every_year: frozenset[Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-[0-9]{2}$")]] = (
        frozenset()
    )
    open_dates: frozenset[date] = frozenset()


class Location(Strict):
    name: str
    kind: Literal["room", "video"] = "room"
    url: str = ""


class MeetingPlan(Strict):
    """When progress meetings can be held and the terms around them (in working days)."""

    weekdays: list[Annotated[int, Field(ge=1, le=5)]] = [1, 2, 3, 4]  # ISO: 1 = Monday
    times: list[Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]] = [
        "09:30",
        "11:00",
        "13:30",
        "15:00",
    ]
    duration_minutes: Annotated[int, Field(ge=15, le=480)] = 75
    first_working_day: Annotated[int, Field(ge=1, le=15)] = 3
    locations: list[Location]
    data_deadline_working_days: Annotated[int, Field(ge=1, le=40)] = 10
    final_agenda_working_days: Annotated[int, Field(ge=1, le=20)] = 3
    reminder_grace_working_days: Annotated[int, Field(ge=1, le=20)] = 3

    @field_validator("locations")
    @classmethod
    def _some_location(cls, locations: list[Location]) -> list[Location]:
        if not locations:
            raise ValueError("minstens één locatie (zaal of videoverbinding)")
        return locations


class MinutesRules(Strict):
    """Terms around the minutes (seed 004: within two weeks; one week to react)."""

    # seed 004: "Het verslag wordt binnen twee weken gedeeld": calendar days after the meeting
    share_within_days: Annotated[int, Field(ge=1, le=60)] = 14
    reaction_days: Annotated[int, Field(ge=1, le=30)] = 7  # calendar days
    # a reaction term that ends on a weekend or holiday moves to the next working day
    reaction_ends_on_working_day: bool = True
    new_reaction_week_on_revision: bool = False
    action_reminder_working_days: Annotated[int, Field(ge=0, le=20)] = 3
    # no reaction at all means agreement (seed 000); a region may still want to see it
    signal_missing_reaction: bool = False


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


class GroupMeetingRules(Strict):
    """Group contract management (seed 002, level 2): two or three meetings a year."""

    months: list[Annotated[int, Field(ge=1, le=12)]] = [3, 11]
    # the meeting falls on the first such weekday from this day of the month that is a working day
    weekday: Annotated[int, Field(ge=1, le=5)] = 2
    from_day: Annotated[int, Field(ge=1, le=24)] = 8
    time: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = "14:00"
    duration_minutes: Annotated[int, Field(ge=30, le=480)] = 120
    location: str = "Stadhuis"
    # the preparation run opens the meeting (topics, signals to choose from) this far ahead
    prepare_working_days: Annotated[int, Field(ge=5, le=60)] = 30
    # the final agenda and the invitation go out at the latest this many working days before
    invite_working_days: Annotated[int, Field(ge=1, le=30)] = 10

    @field_validator("months")
    @classmethod
    def _two_or_three(cls, months: list[int]) -> list[int]:
        if not 2 <= len(set(months)) <= 3:
            raise ValueError("twee of drie verschillende maanden per jaar (bijlage 2, niveau 2)")
        return sorted(set(months))


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


class AgendaTheme(Strict):
    """A seed-004 theme on the meeting agenda, placed under a seed-002 item (1-8)."""

    item: Annotated[str, Field(pattern=r"^[1-8]$")]
    title: Annotated[str, Field(min_length=1, max_length=80)]
    topics: Annotated[str, Field(max_length=400)] = ""
    figures: bool = False  # the delivered figures and the benchmark are discussed here


class AgendaRules(Strict):
    """Seed 004: the opening (the shared ambition) and the themes, which 'kunnen worden
    gewijzigd'. Empty ambition: the region's name fills in the seed's words."""

    ambition: Annotated[str, Field(max_length=300)] = ""
    themes: list[AgendaTheme] = [
        AgendaTheme(item=t.item, title=t.title, topics=t.topics, figures=t.figures)
        for t in SEED_004_THEMES
    ]

    @model_validator(mode="after")
    def _fits(self) -> AgendaRules:
        if sum(t.figures for t in self.themes) > 1:
            raise ValueError("themes: 'figures: true' mag bij hoogstens één thema staan")
        build_agenda(self.ambition or "x", self._themes())  # raises when an item overflows
        return self

    def _themes(self) -> list[Theme]:
        return [Theme(t.item, t.title, t.topics, t.figures) for t in self.themes]


class RegionConfig(Strict):
    """The whole configuration of one purchasing region."""

    region: Region
    municipalities: list[Municipality]
    care_types: list[CareType]
    staff: list[StaffMember]
    mail: Mail
    classification: Classification
    calendar: CalendarConfig = CalendarConfig()
    meetings: MeetingPlan | None = None
    minutes: MinutesRules = MinutesRules()
    escalation: EscalationRules = EscalationRules()
    # Seed 002: "Per 2026 zal er sprake zijn van resultaatverplichtingen rondom de dan
    # ontwikkelde KPI's": from this year every KPI with a norm is a result obligation, unless
    # the KPI says why not (no_obligation). None: only KPIs with their own obligation_from.
    result_obligations_from: Annotated[int, Field(ge=2000, le=2100)] | None = 2026
    kpis: list[Kpi] = []
    group_meetings: GroupMeetingRules = GroupMeetingRules()
    admission: AdmissionRules = AdmissionRules()
    agenda: AgendaRules = AgendaRules()
    mailbox: MailboxRules = MailboxRules()
    contracts: ContractRules = ContractRules()

    @model_validator(mode="after")
    def _unique_and_staffed(self) -> RegionConfig:
        for name, items, attr in (
            ("municipalities", self.municipalities, "code"),
            ("care_types", self.care_types, "code"),
            ("staff", self.staff, "key"),
            ("kpis", self.kpis, "code"),
            ("admission.requirements", self.admission.requirements, "key"),
        ):
            seen: set[str] = set()
            for item in items:
                value = getattr(item, attr)
                if value in seen:
                    raise ValueError(f"{name}: '{value}' staat er dubbel in")
                seen.add(value)
        roles = {s.role for s in self.staff}
        for needed in (Role.CONTRACT_MANAGER, Role.CONTRACT_ADMINISTRATION, Role.SUPPORT_OFFICER):
            if needed not in roles:
                raise ValueError(f"staff: niemand met de rol '{needed.value}'")
        handler = self.mailbox.post_handler
        if handler is not None and handler not in {s.key for s in self.staff}:
            raise ValueError(f"mailbox.post_handler: '{handler}' staat niet bij staff")
        return self

    @property
    def post_handlers(self) -> list[str]:
        """Who handles post the mailbox flow cannot act on (unmatched, from strangers)."""
        if self.mailbox.post_handler:
            return [self.mailbox.post_handler]
        return [s.key for s in self.staff_with_role(Role.SUPPORT_OFFICER)]

    @field_validator("kpis")
    @classmethod
    def _obligations_by_default(cls, kpis: list[Kpi], info: ValidationInfo) -> list[Kpi]:
        start = info.data.get("result_obligations_from")
        return [k.with_default_obligation(start) for k in kpis]

    @property
    def municipality_codes(self) -> set[str]:
        return {m.code for m in self.municipalities}

    @property
    def care_type_codes(self) -> set[str]:
        return {c.code for c in self.care_types}

    @property
    def staff_by_key(self) -> dict[str, StaffMember]:
        """Every staff member by key (for look-ups that may miss: ``.get(key)``)."""
        return {s.key: s for s in self.staff}

    def staff_member(self, key: str) -> StaffMember:
        """The staff member with this key, or a ConfigError naming the known keys."""
        member = self.staff_by_key.get(key)
        if member is not None:
            return member
        known = ", ".join(s.key for s in self.staff)
        raise ConfigError(f"Onbekende medewerker '{key}'; bekend zijn: {known}")

    def staff_with_role(self, role: Role) -> list[StaffMember]:
        return [s for s in self.staff if s.role == role]

    @property
    def agenda_items(self) -> tuple[AgendaItem, ...]:
        """The meeting agenda: seed 002's items with the opening and the region's themes."""
        ambition = self.agenda.ambition or (
            "het realiseren van passende, effectieve en beschikbare jeugdhulp in "
            + self.region.name
        )
        return build_agenda(ambition, self.agenda._themes())

    @property
    def sheet_kpis(self) -> list[Kpi]:
        """The KPIs the provider fills in on the data sheet (not those from declarations)."""
        return [k for k in self.kpis if k.source == "data_sheet"]


def config_warnings(cfg: RegionConfig) -> list[str]:
    """What the configuration allows but the seeds (or the providers reading the mail) would
    not want, in Dutch, one line each.

    Seed 004: "als uitgangspunt meerdere gesprekken per jaar"; seed 002: 2 to 4 a year."""
    warnings = [
        f"categorie {c.number} ({c.label}) heeft {len(c.meeting_months)} gesprek per jaar; "
        "de uitgangspunten vragen er minstens twee (classification.categories)"
        for c in cfg.classification.categories
        if len(c.meeting_months) < 2
    ]
    if cfg.mail.sender_name != cfg.region.organisation:
        warnings.append(
            f"mail.sender_name ('{cfg.mail.sender_name}') wijkt af van region.organisation "
            f"('{cfg.region.organisation}'): aanbieders zien de organisatie dan onder twee namen"
        )
    return warnings


def _loc(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(bovenste niveau)"


def parse_config(data: object, source: str) -> RegionConfig:
    """Validate already-parsed YAML; errors name ``source`` and each failing key."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: verwacht een YAML-mapping op het bovenste niveau")
    try:
        return RegionConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: {_loc(err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise ConfigError("Ongeldige regioconfiguratie:\n" + "\n".join(lines)) from None


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader (libyaml's parser where PyYAML has it: ten times faster), refusing
    a key that appears twice in one mapping (plain YAML lets the last one win, so a pasted
    duplicate would silently change the region)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"sleutel '{key}' staat twee keer in dezelfde mapping "
                    f"(regels {seen[key]} en {line}); laat er één staan",
                    key_node.start_mark,
                )
            if isinstance(key, str | int | float | bool):
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load_config(path: Path | str) -> RegionConfig:
    """Read and validate the region configuration file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: bestand niet gevonden") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: geen UTF-8-tekst") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: geen geldige YAML: {exc}") from None
    return parse_config(data, str(path))
