"""Flow record-minutes: the support officer enters the minutes of a held meeting."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from prefect import flow
from pydantic import Field

from clm.rules.minutes import ActionDraft, ItemDraft, MinutesDraft
from flows.common import FormModel, MeetingInput, StaffKey, dutch_choice, flat_form, receipt
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
    owner_side: Annotated[
        Literal["provider", "region"], *dutch_choice({"provider": "aanbieder", "region": "regio"})
    ] = Field(
        ...,
        title="Kant",
        description="aanbieder: iemand van de aanbieder; regio: een medewerker van de regio.",
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


@flat_form
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
    receipt(
        f"verslag {params.provider_code}",
        [
            f"Concept van het verslag van {params.month_label()} ({outcome}): "
            f"{len(params.items)} agendapunten, {len(params.actions)} actiepunten"
        ]
        if outcome != "unchanged"
        else [],
        ["Verstuur het verslag met verslag-versturen; de aanbieder krijgt dan een week."],
        params.provider_code,
        params.recorded_by,
    )
    return {"minutes": outcome}
