"""Flow move-meeting: staff move a planned meeting; an updated invite goes out."""

from __future__ import annotations

from datetime import datetime

from prefect import flow
from pydantic import Field

from flows.common import MeetingInput, StaffKey, flat_form, receipt
from tasks.meetings import move
from tasks.outbox import deliver_outbox


class MoveMeetingInput(MeetingInput):
    """Gesprek verplaatsen."""

    new_start: datetime = Field(
        ...,
        title="Nieuwe datum en begintijd",
        description="Tijd in Nederland.",
    )
    location: str | None = Field(
        None, title="Locatie", description="Leeg: de huidige locatie blijft."
    )
    moved_by: StaffKey


@flat_form
@flow(name="move-meeting")
def move_meeting(params: MoveMeetingInput) -> dict:
    """Een gepland contractvoortgangsgesprek verplaatsen. De aanbieder en de deelnemers krijgen
    een bijgewerkte agenda-uitnodiging (dezelfde UID, die de oude vervangt). Een tijd waarop de
    contractmanager al een gesprek heeft, wordt geweigerd."""
    moved = move(
        params.provider_code,
        params.meeting_month(),
        params.new_start,
        params.location,
        params.moved_by,
        params.effective_as_of(),
    )
    deliver_outbox()
    receipt(
        f"gesprek {params.provider_code} verplaatst",
        [f"Gesprek verplaatst naar {params.new_start:%d-%m-%Y %H:%M}"] if moved else [],
        ["De deelnemers kregen een bijgewerkte agenda-uitnodiging."],
        params.provider_code,
        params.moved_by,
    )
    return {"moved": moved}
