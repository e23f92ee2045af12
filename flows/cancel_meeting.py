"""Flow cancel-meeting: staff cancel a planned meeting; a cancellation goes out."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import MeetingInput, StaffKey, flat_form, receipt
from tasks.meetings import cancel
from tasks.outbox import deliver_outbox


class CancelMeetingInput(MeetingInput):
    """Gesprek annuleren."""

    reason: str = Field(..., min_length=5, max_length=1000, title="Reden")
    cancelled_by: StaffKey


@flat_form
@flow(name="cancel-meeting")
def cancel_meeting(params: CancelMeetingInput) -> dict:
    """Een contractvoortgangsgesprek annuleren. De aanbieder en de deelnemers krijgen een
    annulering die de agenda-uitnodiging verwijdert; de reden staat in het contractdossier."""
    cancelled = cancel(
        params.provider_code,
        params.meeting_month(),
        params.reason,
        params.cancelled_by,
        params.effective_as_of(),
    )
    deliver_outbox()
    receipt(
        f"gesprek {params.provider_code} geannuleerd",
        [f"Gesprek van {params.month_label()} geannuleerd: {params.reason}"] if cancelled else [],
        ["De deelnemers kregen een annulering; de agenda-uitnodiging verdwijnt uit hun agenda."],
        params.provider_code,
        params.cancelled_by,
    )
    return {"cancelled": cancelled}
