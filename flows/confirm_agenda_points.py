"""Flow confirm-agenda-points: the support officer decides on the agenda points a provider
proposed by mail."""

from __future__ import annotations

from typing import Annotated, Literal

from prefect import flow
from pydantic import Field

from flows.common import FlowInput, StaffKey, dutch_choice, flat_form, receipt
from tasks.mailbox import confirm_points

DECISIONS = {"accept": "overnemen", "reject": "niet overnemen"}


class ConfirmAgendaPointsInput(FlowInput):
    """Bespreekpunten van een aanbieder bevestigen."""

    item_id: int = Field(
        ...,
        ge=1,
        title="Nummer van het werkpunt",
        description="Het nummer achter 'werkpunt' bij 'bespreekpunten bevestigen' in uw "
        "werkvoorraad.",
    )
    decision: Annotated[Literal["accept", "reject"], *dutch_choice(DECISIONS)] = Field(
        "accept",
        title="Besluit",
        description="overnemen: de punten komen op de definitieve agenda; niet overnemen: ze "
        "komen er niet op (de aanbieder hoort het in het gesprek).",
    )
    rewording: str = Field(
        "",
        max_length=4000,
        title="Andere formulering (optioneel)",
        description="Leeg: de punten zoals de aanbieder ze schreef. Anders: één punt per regel, "
        "in plaats van de voorgestelde punten.",
    )
    staff_key: StaffKey


@flat_form
@flow(name="confirm-agenda-points")
def confirm_agenda_points(params: ConfirmAgendaPointsInput) -> dict:
    """Bespreekpunten die een aanbieder per mail voorstelde overnemen of niet; overgenomen
    punten komen op de definitieve agenda onder 'Bespreekpunten vanuit aanbieder'."""
    as_of = params.effective_as_of()
    decided = confirm_points(
        params.item_id, params.staff_key, params.decision == "accept", params.rewording, as_of
    )
    receipt(
        f"bespreekpunten van {decided.provider_code}",
        [f"Overgenomen: {p}" for p in decided.confirmed]
        + ([f"{decided.rejected} punt(en) niet overgenomen"] if decided.rejected else [])
        + [f"Werkpunt {params.item_id} afgevinkt"],
        [
            "De definitieve agenda is al verstuurd: noem de punten in het gesprek."
            if decided.final_agenda_sent and decided.confirmed
            else f"De punten staan op de definitieve agenda van het gesprek van "
            f"{decided.meeting_day:%d-%m-%Y}."
            if decided.confirmed
            else "Klaar."
        ],
        decided.provider_code,
        params.staff_key,
    )
    return {"confirmed": len(decided.confirmed), "rejected": decided.rejected}
