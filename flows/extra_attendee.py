"""Flow extra-attendee: ask the provider whether an extra staff member may join, and record
the answer; only an accepted one is invited."""

from __future__ import annotations

from typing import Annotated, Literal

from prefect import flow
from pydantic import Field

from flows.common import MeetingInput, StaffKey, dutch_choice, flat_form, receipt
from tasks.meetings import extra_attendee as record
from tasks.outbox import deliver_outbox

ANSWERS = {"requested": "gevraagd", "accepted": "akkoord", "declined": "niet akkoord"}


class ExtraAttendeeInput(MeetingInput):
    """Extra medewerker bij een gesprek."""

    staff_key: StaffKey
    answer: Annotated[Literal["requested", "accepted", "declined"], *dutch_choice(ANSWERS)] = Field(
        "requested",
        title="Stand",
        description="gevraagd: de vraag gaat naar de aanbieder; akkoord: de aanbieder gaat "
        "akkoord (de medewerker wordt uitgenodigd); niet akkoord: de aanbieder wil het niet.",
    )
    remark: str = Field("", max_length=1000, title="Toelichting")
    recorded_by: StaffKey


@flat_form
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
    receipt(
        f"extra deelnemer {params.staff_key}",
        [
            f"Stand voor {params.staff_key} bij het gesprek van {params.month_label()}: "
            f"{ANSWERS[status]}"
        ],
        [
            "Na akkoord van de aanbieder krijgt de medewerker de uitnodiging."
            if status == "requested"
            else "Klaar."
        ],
        params.provider_code,
        params.recorded_by,
    )
    return {"status": status}
