"""Flow close-escalation: the escalation ends, recovered or at step 7."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import FlowInput, ProviderCode, StaffKey
from tasks.escalation import close
from tasks.outbox import deliver_outbox


class CloseEscalationInput(FlowInput):
    """Escalatie sluiten."""

    provider_code: ProviderCode
    reason: str = Field(..., min_length=10, max_length=2000, title="Reden")
    closed_by: StaffKey


@flow(name="close-escalation")
def close_escalation(params: CloseEscalationInput) -> dict:
    """De escalatie van een aanbieder sluiten (hersteld, of beëindigd na trede 7), met een
    reden die in het contractdossier komt."""
    return {
        "closed": close(
            params.provider_code, params.reason, params.closed_by, params.effective_as_of()
        ),
        **deliver_outbox(),  # what this run wrote goes out now
    }
