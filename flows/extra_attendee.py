"""Flow extra-attendee: ask the provider whether an extra staff member may join, and record
the answer; only an accepted one is invited."""

from __future__ import annotations

from typing import Literal

from prefect import flow
from pydantic import Field

from flows.common import MeetingInput, StaffKey
from tasks.meetings import extra_attendee as record
from tasks.outbox import deliver_outbox


class ExtraAttendeeInput(MeetingInput):
    """Extra medewerker bij een gesprek."""

    staff_key: StaffKey
    answer: Literal["requested", "accepted", "declined"] = Field(
        "requested",
        title="Stand",
        description="requested: gevraagd aan de aanbieder; accepted: de aanbieder gaat akkoord "
        "(de medewerker wordt uitgenodigd); declined: niet akkoord.",
    )
    remark: str = Field("", max_length=1000, title="Toelichting")
    recorded_by: StaffKey


@flow(name="extra-attendee")
def extra_attendee(params: ExtraAttendeeInput) -> dict:
    """Vraag aan de aanbieder of een extra medewerker (bijvoorbeeld control of beleid) mag
    aansluiten, en leg het antwoord vast. Pas na akkoord krijgt de medewerker de uitnodiging."""
    status = record(
        params.provider_code,
        params.meeting_month(),
        params.staff_key,
        params.answer,
        params.remark,
        params.recorded_by,
        params.effective_as_of(),
    )
    deliver_outbox()
    return {"status": status}
