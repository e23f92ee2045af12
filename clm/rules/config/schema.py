"""The whole configuration of one region, made of its sections, and the look-ups on it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from clm.errors import ConfigError
from clm.rules.agenda import AgendaItem, build_agenda

from .base import Strict
from .classification import Classification
from .meetings import AgendaRules, CalendarConfig, GroupMeetingRules, MeetingPlan, MinutesRules
from .obligations import AdmissionRules, EscalationRules, Kpi
from .region import (
    CareType,
    ContractRules,
    Mail,
    MailboxRules,
    Municipality,
    Region,
    Role,
    StaffMember,
)


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
