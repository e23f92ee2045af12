"""Flow register-objection: the provider objects in writing against a step (from step 3)."""

from __future__ import annotations

from datetime import date

from prefect import flow
from pydantic import Field

from flows.common import FlowInput, StaffKey, flat_form, receipt
from tasks.escalation import objection
from tasks.outbox import deliver_outbox


class RegisterObjectionInput(FlowInput):
    """Bezwaar van de aanbieder."""

    step_id: int = Field(..., ge=1, title="Nummer van de trede (uit de escalatie-run)")
    received_on: date = Field(..., title="Ontvangen op")
    summary: str = Field(..., min_length=5, max_length=5000, title="Samenvatting bezwaar")
    registered_by: StaffKey


@flat_form
@flow(name="register-objection")
def register_objection(params: RegisterObjectionInput) -> dict:
    """Een schriftelijk bezwaar vastleggen: binnen of na de termijn van 5 werkdagen; het
    schort de maatregel op, tenzij die nodig is voor de veiligheid van cliënten of tegen
    fraude; het gesprek op directieniveau moet binnen 10 werkdagen plaatsvinden."""
    outcome = objection(
        params.step_id,
        params.received_on,
        params.summary,
        params.registered_by,
        params.effective_as_of(),
    )
    # the invitation to the director-level talk goes out now, not with tomorrow's sweep
    delivered = deliver_outbox()
    receipt(
        f"bezwaar tegen trede {params.step_id}",
        [
            f"Bezwaar ontvangen op {params.received_on:%d-%m-%Y}, "
            + ("binnen de termijn" if outcome["in_time"] else "na de termijn")
            + ("; de maatregel is opgeschort" if outcome["suspends"] else "; de maatregel loopt")
        ],
        [
            "Gesprek op directieniveau uiterlijk "
            f"{date.fromisoformat(outcome['director_talk_due']):%d-%m-%Y}; leg de uitkomst vast "
            "met uitkomst-directiegesprek."
        ],
        who=params.registered_by,
    )
    return {**outcome, **delivered}
