"""Flow propose-group-topic: a topic for the next group meeting, from a provider or the region."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import FlowInput, flat_form, receipt
from tasks.group_meetings import propose


class ProposeGroupTopicInput(FlowInput):
    """Een onderwerp voor het groepsoverleg."""

    proposer: str = Field(
        ...,
        min_length=1,
        title="Ingediend door",
        description="AGB-code van de aanbieder, of de sleutel van de medewerker van de regio.",
    )
    topic: str = Field(..., min_length=3, max_length=300, title="Onderwerp")
    explanation: str = Field("", max_length=3000, title="Toelichting")
    care_type: str = Field(
        "",
        max_length=20,
        title="Perceel",
        description="Leeg: de bijeenkomst van alle percelen.",
    )


@flat_form
@flow(name="propose-group-topic")
def propose_group_topic(params: ProposeGroupTopicInput) -> dict:
    """Een onderwerp aandragen voor het eerstvolgende groepsoverleg contractmanagement (door
    een aanbieder of door de regio). De regio kiest eruit bij het vaststellen van de agenda.
    Hetzelfde onderwerp nog eens indienen voegt niets toe."""
    result = propose(
        params.proposer,
        params.topic,
        params.explanation,
        params.care_type,
        params.effective_as_of(),
    )
    receipt(
        "onderwerp voor het groepsoverleg",
        [f"Onderwerp: {params.topic}"],
        ["De regio kiest uit de onderwerpen bij het vaststellen van de agenda (groepsoverleg)."],
    )
    return result
