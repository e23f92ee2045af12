"""Flow register-amendment-reaction: a provider's answer to a proposed amendment."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from prefect import flow
from pydantic import BeforeValidator, Field

from clm.rules.amendments import Disadvantaged, PartyResponse
from flows.common import PICK_HINT, FlowInput, ProviderCode, StaffKey, flat_form, receipt
from tasks.amendments import react
from tasks.providers import publish_amendment_table


class AmendmentReactionInput(FlowInput):
    """Reactie van een aanbieder op een wijzigingsvoorstel."""

    amendment_id: int = Field(
        ..., ge=1, title="Nummer van het voorstel", description="Artifacts → wijzigingen."
    )
    provider_code: ProviderCode
    answer: Annotated[
        Literal["akkoord", "last van de wijziging"],
        BeforeValidator(
            lambda v: {"agrees": "akkoord", "objects": "last van de wijziging"}.get(v, v)
        ),
    ] = Field(..., title="Reactie", description=PICK_HINT)
    provider_disadvantaged: bool = Field(False, title="De aanbieder heeft er last van")
    clients_disadvantaged: bool = Field(False, title="Cliënten hebben er last van")
    municipality_disadvantaged: bool = Field(False, title="Een gemeente heeft er last van")
    reason: str = Field("", max_length=5000, title="Reden (verplicht bij last)")
    received_on: date = Field(..., title="Ontvangen op")
    registered_by: StaffKey


@flat_form
@flow(name="register-amendment-reaction")
def register_amendment_reaction(params: AmendmentReactionInput) -> dict:
    """De reactie van een aanbieder op een wijzigingsvoorstel vastleggen: akkoord, of dat de
    aanbieder, cliënten of een gemeente last hebben van de wijziging (met de reden). Een latere
    reactie van dezelfde aanbieder binnen de termijn vervangt de eerdere."""
    objects = params.answer != "akkoord"
    who = [
        party
        for party, flag in (
            (Disadvantaged.PROVIDER, params.provider_disadvantaged),
            (Disadvantaged.CLIENTS, params.clients_disadvantaged),
            (Disadvantaged.MUNICIPALITY, params.municipality_disadvantaged),
        )
        if flag
    ]
    outcome = react(
        params.amendment_id,
        params.provider_code,
        PartyResponse.OBJECTS if objects else PartyResponse.AGREES,
        who if objects else [],
        params.reason,
        params.received_on,
        params.registered_by,
        params.effective_as_of(),
    )
    publish_amendment_table()
    receipt(
        f"reactie op wijzigingsvoorstel {params.amendment_id}",
        [outcome],
        [
            "Na de reactietermijn besluit de dagelijkse ronde: heeft een partij last van de "
            "wijziging, dan wacht zij tot het volgende inkoopmoment."
        ],
        params.provider_code,
        params.registered_by,
    )
    return {"outcome": outcome}
