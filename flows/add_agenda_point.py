"""Flow add-agenda-point: a point from the provider for the meeting's agenda."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import MeetingInput, flat_form, receipt
from tasks.meetings import agenda_point
from tasks.outbox import deliver_outbox


class AddAgendaPointInput(MeetingInput):
    """Bespreekpunt van de aanbieder."""

    text: str = Field(..., min_length=3, max_length=2000, title="Bespreekpunt")
    submitted_by: str = Field(
        ...,
        min_length=2,
        max_length=200,
        title="Ingediend door",
        description="Naam van wie het punt aandroeg.",
    )


@flat_form
@flow(name="add-agenda-point")
def add_agenda_point(params: AddAgendaPointInput) -> dict:
    """Een bespreekpunt van de aanbieder vastleggen; het komt op de definitieve agenda onder
    'Bespreekpunten vanuit aanbieder'."""
    added = agenda_point(
        params.provider_code,
        params.meeting_month(),
        params.text,
        params.submitted_by,
        params.effective_as_of(),
    )
    delivered = deliver_outbox()
    receipt(
        f"bespreekpunt van {params.provider_code}",
        [f"Bespreekpunt voor het gesprek van {params.month_label()}: {params.text}"]
        if added
        else [],
        ["Het punt staat op de definitieve agenda die de dagelijkse ronde verstuurt."],
        params.provider_code,
        params.submitted_by,
    )
    return {"added": added, **delivered}
