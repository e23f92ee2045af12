"""Flow close-escalation: the escalation ends, recovered or at step 7."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import FlowInput, ProviderCode, StaffKey, flat_form, receipt
from tasks.escalation import close
from tasks.outbox import deliver_outbox


class CloseEscalationInput(FlowInput):
    """Escalatie sluiten."""

    provider_code: ProviderCode
    reason: str = Field(..., min_length=10, max_length=2000, title="Reden")
    closed_by: StaffKey


@flat_form
@flow(name="close-escalation")
def close_escalation(params: CloseEscalationInput) -> dict:
    """De escalatie van een aanbieder sluiten (hersteld, of beëindigd na trede 7), met een
    reden die in het contractdossier komt."""
    closed = close(params.provider_code, params.reason, params.closed_by, params.effective_as_of())
    delivered = deliver_outbox()  # what this run wrote goes out now
    receipt(
        f"escalatie {params.provider_code} gesloten",
        [f"Escalatie gesloten: {params.reason}"] if closed else [],
        ["De termijnen van de treden vervallen; de volgende classificatie toont de sluiting."],
        params.provider_code,
        params.closed_by,
    )
    return {"closed": closed, **delivered}
