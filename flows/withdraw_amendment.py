"""Flow withdraw-amendment: staff withdraw a proposal while the providers are consulted."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import FlowInput, StaffKey, flat_form, receipt
from tasks.amendments import withdraw
from tasks.outbox import deliver_outbox
from tasks.providers import publish_amendment_table


class WithdrawAmendmentInput(FlowInput):
    """Wijzigingsvoorstel intrekken."""

    amendment_id: int = Field(
        ..., ge=1, title="Nummer van het voorstel", description="Artifacts → wijzigingen."
    )
    reason: str = Field(..., min_length=5, max_length=3000, title="Reden (komt in de mail)")
    withdrawn_by: StaffKey


@flat_form
@flow(name="withdraw-amendment")
def withdraw_amendment(params: WithdrawAmendmentInput) -> dict:
    """Een wijzigingsvoorstel intrekken zolang de aanbieders geraadpleegd worden; elke
    geraadpleegde aanbieder krijgt bericht. Nog eens intrekken verandert niets."""
    done = withdraw(
        params.amendment_id, params.reason, params.withdrawn_by, params.effective_as_of()
    )
    delivered = deliver_outbox()
    publish_amendment_table()
    receipt(
        f"wijzigingsvoorstel {params.amendment_id} ingetrokken",
        [f"Ingetrokken: {params.reason}" if done else "Was al ingetrokken; niets verstuurd"],
        ["De overeenkomst blijft zoals zij is."],
        who=params.withdrawn_by,
    )
    return {"withdrawn": done, **delivered}
