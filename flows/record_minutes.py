"""Flow record-minutes: the support officer enters the minutes of a held meeting."""

from __future__ import annotations

from datetime import date
from typing import Literal

from prefect import flow
from pydantic import Field

from clm.rules.minutes import ActionDraft, ItemDraft, MinutesDraft
from flows.common import FormModel, MeetingInput, StaffKey
from tasks.minutes import record


class ItemInput(FormModel):
    """Verslag van één agendapunt."""

    number: str = Field(..., title="Agendapunt", description="Nummer, bijvoorbeeld 4 of 4b.")
    discussion: str = Field("", max_length=5000, title="Besproken")
    decisions: str = Field("", max_length=2000, title="Besloten en gemandateerd")


class ActionInput(FormModel):
    """Een actiepunt: wat, wie, wanneer (SMART)."""

    agenda_item: str = Field(..., title="Agendapunt", description="Bijvoorbeeld 4b.")
    description: str = Field(..., min_length=3, max_length=1000, title="Wat")
    owner_side: Literal["provider", "region"] = Field(
        ...,
        title="Kant",
        description="provider: iemand van de aanbieder; region: een medewerker van de regio.",
    )
    owner: str = Field(
        ...,
        min_length=1,
        title="Actiehouder",
        description="Aanbieder: naam; regio: sleutel van de medewerker.",
    )
    deadline: date = Field(..., title="Deadline")


class RecordMinutesInput(MeetingInput):
    """Verslag van een contractvoortgangsgesprek."""

    attendees: list[str] = Field(..., min_length=1, title="Aanwezigen")
    items: list[ItemInput] = Field(default_factory=list, title="Per agendapunt")
    actions: list[ActionInput] = Field(default_factory=list, title="Actiepunten")
    recorded_by: StaffKey

    def to_command(self) -> MinutesDraft:
        """The minutes as the minutes service takes them."""
        return MinutesDraft(
            attendees=self.attendees,
            items=[ItemDraft(i.number, i.discussion, i.decisions) for i in self.items],
            actions=[
                ActionDraft(a.agenda_item, a.description, a.owner_side, a.owner, a.deadline)
                for a in self.actions
            ],
        )


@flow(name="record-minutes")
def record_minutes(params: RecordMinutesInput) -> dict:
    """Het verslag van een gehouden gesprek vastleggen: aanwezigen, per agendapunt wat
    besproken en besloten is, en de actiepunten (wat, wie, wanneer). Opnieuw opslaan vóór het
    versturen vervangt het concept. Versturen gaat met de taak verslag-versturen."""
    outcome = record(
        params.provider_code,
        params.meeting_month(),
        params.to_command(),
        params.recorded_by,
        params.effective_as_of(),
    )
    return {"minutes": outcome}
