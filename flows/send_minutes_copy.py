"""Flow send-minutes-copy: the provider asks for the minutes (seed 000)."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import MeetingInput, flat_form, receipt
from tasks.minutes import copy
from tasks.outbox import deliver_outbox


class SendMinutesCopyInput(MeetingInput):
    """Verslag opvragen."""

    requested_by: str = Field(..., min_length=2, max_length=200, title="Gevraagd door")


@flat_form
@flow(name="send-minutes-copy")
def send_minutes_copy(params: SendMinutesCopyInput) -> dict:
    """Een aanbieder vraagt het verslag op: de laatste definitieve versie, of het concept
    (duidelijk als concept gemarkeerd). Het verzoek staat in het contractdossier."""
    sent = copy(
        params.provider_code, params.meeting_month(), params.requested_by, params.effective_as_of()
    )
    deliver_outbox()
    receipt(
        f"verslag {params.provider_code} op verzoek",
        [f"Verzoek om het verslag van {params.month_label()} vastgelegd ({sent})"],
        [],
        params.provider_code,
        params.requested_by,
    )
    return {"sent": sent}
