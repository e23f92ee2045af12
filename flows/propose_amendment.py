"""Flow propose-amendment: a change of the contract terms during the term, put to the
providers concerned (seed 003; seed 002 art. 8 after a group meeting)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from prefect import flow
from pydantic import Field, field_validator

from clm.rules.amendments import CHANGE_LABELS, ChangeKind, Origin
from clm.rules.commands import AmendmentProposal
from flows.common import FlowInput, StaffKey, dutch_choice, flat_form, receipt
from tasks.amendments import propose
from tasks.outbox import deliver_outbox
from tasks.providers import publish_amendment_table


def _codes(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for c in re.split(r"[\s,;]+", text.strip().upper()) if c))


class ProposeAmendmentInput(FlowInput):
    """Voorstel tot wijziging van de overeenkomst."""

    title: str = Field(..., min_length=5, max_length=200, title="Titel van het voorstel")
    description: str = Field(
        ..., min_length=10, max_length=5000, title="Wat verandert (komt in de mail)"
    )
    change_kind: Annotated[ChangeKind, *dutch_choice(CHANGE_LABELS)] = Field(
        ..., title="Soort wijziging"
    )
    target: str = Field(
        "",
        max_length=50,
        title="Welke indicator, welk tarief of welke eis",
        description="Bij een norm of indicator de code uit de regioconfiguratie (bijv. "
        "wachttijd); bij een tarief of eis de naam. Bij een tekstwijziging mag het artikel.",
    )
    new_value: str = Field(
        "",
        max_length=100,
        title="Nieuwe waarde",
        description="Bij een norm een getal (bijv. 5 of 72,5); bij een indicator de nieuwe "
        "omschrijving; bij een tarief of eis de nieuwe waarde.",
    )
    lots: str = Field(
        "",
        max_length=200,
        title="Percelen",
        description="Codes gescheiden door komma's (bijv. AMB, DAG). Leeg: alle percelen.",
    )
    provider_codes: str = Field(
        "",
        max_length=5000,
        title="Aanbieders (AGB-codes)",
        description="Gescheiden door komma's. Leeg: elke aanbieder met een van de percelen.",
    )
    reason: str = Field(..., min_length=5, max_length=5000, title="Reden")
    effective_on: date = Field(
        ..., title="Ingangsdatum", description="Moet na het einde van de reactietermijn liggen."
    )
    origin: Annotated[Origin, *dutch_choice({o: o.label for o in Origin})] = Field(
        Origin.STAFF, title="Herkomst"
    )
    origin_ref: str = Field(
        "",
        max_length=200,
        title="Verwijzing",
        description="Bijv. 'groepsoverleg 9 maart 2027, verslag punt 4'.",
    )
    proposed_by: StaffKey

    @field_validator("lots", "provider_codes")
    @classmethod
    def _tidy(cls, value: str) -> str:
        return ", ".join(_codes(value))

    def to_command(self) -> AmendmentProposal:
        """The proposal as the amendments service takes it."""
        return AmendmentProposal(
            title=self.title,
            description=self.description,
            change_kind=self.change_kind,
            reason=self.reason,
            effective_on=self.effective_on,
            proposed_by=self.proposed_by,
            target=self.target.strip(),
            new_value=self.new_value.strip(),
            lots=_codes(self.lots),
            provider_codes=_codes(self.provider_codes),
            origin=self.origin,
            origin_ref=self.origin_ref,
        )


@flat_form
@flow(name="propose-amendment")
def propose_amendment(params: ProposeAmendmentInput) -> dict:
    """Een wijziging van de overeenkomst voorstellen (tekst, tarief, indicator, norm of eis):
    elke betrokken aanbieder krijgt het voorstel per mail met een reactietermijn in werkdagen.
    Na de termijn besluit de dagelijkse ronde: heeft geen partij (aanbieder, cliënten,
    gemeente) er last van, dan gaat de wijziging in op de ingangsdatum; anders wacht zij tot
    het volgende inkoopmoment. Hetzelfde voorstel op dezelfde dag nog eens verandert niets."""
    as_of = params.effective_as_of()
    result = propose(params.to_command(), as_of)
    delivered = deliver_outbox()
    publish_amendment_table()
    receipt(
        f"wijzigingsvoorstel {result.amendment_id}: {params.title}",
        [
            f"Voorstel nummer {result.amendment_id} vastgelegd; {result.providers} aanbieders "
            "geraadpleegd"
            if result.new
            else f"Dit voorstel (nummer {result.amendment_id}) stond er al; niets opnieuw verstuurd"
        ],
        [
            f"Aanbieders reageren uiterlijk {result.reaction_due:%d-%m-%Y}, per mail (het "
            "antwoord wordt vanzelf geregistreerd) of via reactie-op-wijziging.",
            "De dag na de termijn besluit de dagelijkse ronde en krijgt iedereen het besluit; "
            "intrekken kan tot dan met wijziging-intrekken.",
        ],
        who=params.proposed_by,
    )
    return {
        "amendment_id": result.amendment_id,
        "providers": result.providers,
        "reaction_due": result.reaction_due.isoformat(),
        **delivered,
    }
