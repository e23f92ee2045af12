"""Flow close-action: staff close an action with a remark."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import MeetingInput, StaffKey, flat_form, receipt
from tasks.minutes import close


class CloseActionInput(MeetingInput):
    """Actiepunt afronden."""

    number: int = Field(..., ge=1, title="Nummer van het actiepunt")
    remark: str = Field(..., min_length=3, max_length=2000, title="Toelichting")
    closed_by: StaffKey


@flat_form
@flow(name="close-action")
def close_action(params: CloseActionInput) -> dict:
    """Een actiepunt afronden met een toelichting; het verdwijnt van de volgende agenda."""
    closed = close(
        params.provider_code,
        params.meeting_month(),
        params.number,
        params.remark,
        params.closed_by,
        params.effective_as_of(),
    )
    receipt(
        f"actiepunt {params.number} afgerond",
        [
            f"Actiepunt {params.number} van het gesprek van {params.month_label()} afgerond: "
            f"{params.remark}"
        ]
        if closed
        else [],
        ["Er komen geen herinneringen meer voor dit actiepunt."],
        params.provider_code,
        params.closed_by,
    )
    return {"closed": closed}
