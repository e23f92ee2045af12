"""Flows around a taken step: the registered-mail number, the director-level talk's outcome."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import FlowInput, StaffKey, flat_form, receipt
from tasks.escalation import registered_mail, talk_outcome
from tasks.outbox import deliver_outbox


class RegisteredMailInput(FlowInput):
    """Aangetekende verzending van een ingebrekestelling."""

    step_id: int = Field(..., ge=1, title="Nummer van de trede")
    tracking: str = Field(..., min_length=5, max_length=100, title="Nummer aangetekende zending")
    recorded_by: StaffKey


@flat_form
@flow(name="record-registered-mail")
def record_registered_mail(params: RegisteredMailInput) -> dict:
    """Het nummer van de aangetekende zending van een ingebrekestelling vastleggen."""
    recorded = registered_mail(
        params.step_id, params.tracking, params.recorded_by, params.effective_as_of()
    )
    delivered = deliver_outbox()  # what this run wrote goes out now
    receipt(
        f"aangetekende verzending trede {params.step_id}",
        [f"Ingebrekestelling aangetekend verzonden, nummer {params.tracking}"] if recorded else [],
        ["Het nummer staat in het contractdossier bij de ingebrekestelling."],
        who=params.recorded_by,
    )
    return {"recorded": recorded, **delivered}


class TalkOutcomeInput(FlowInput):
    """Uitkomst van het gesprek op directieniveau."""

    step_id: int = Field(..., ge=1, title="Nummer van de trede")
    outcome: str = Field(..., min_length=10, max_length=5000, title="Uitkomst")
    measure_stands: bool = Field(
        ..., title="De maatregel blijft", description="Uit: de maatregel vervalt."
    )
    recorded_by: StaffKey


@flat_form
@flow(name="record-talk-outcome")
def record_talk_outcome(params: TalkOutcomeInput) -> dict:
    """De uitkomst van het gesprek op directieniveau over een bezwaar: de maatregel blijft (en
    geldt weer als die was opgeschort) of vervalt."""
    status = talk_outcome(
        params.step_id,
        params.outcome,
        params.measure_stands,
        params.recorded_by,
        params.effective_as_of(),
    )
    delivered = deliver_outbox()  # what this run wrote goes out now
    receipt(
        f"uitkomst gesprek op directieniveau, trede {params.step_id}",
        [
            f"Uitkomst: {params.outcome}",
            "De maatregel blijft (weer) van kracht."
            if params.measure_stands
            else "De maatregel vervalt.",
        ],
        ["De termijn van het gesprek is gesloten en verdwijnt van de werkvoorraad."],
        who=params.recorded_by,
    )
    return {"status": status, **delivered}
