"""Flow group-meeting: prepare the group meeting and fix its agenda with the invitations."""

from __future__ import annotations

import pandas as pd
from prefect import flow
from pydantic import Field, model_validator

from clm.rules.meetings import next_meeting_date
from clm.settings import region_config
from flows.common import FlowInput, flat_form
from tasks.artifacts import publish_table
from tasks.group_meetings import load_candidates, open_next, set_agenda
from tasks.outbox import deliver_outbox

CANDIDATE_LABELS = {"ref": "Kies met", "kind": "Soort", "text": "Tekst", "source": "Bron"}


class GroupMeetingInput(FlowInput):
    """Voorbereiding en agenda van het groepsoverleg."""

    meeting: str = Field(
        "",
        pattern=r"^([0-9]{4}-[0-9]{2}(:[A-Z0-9_-]+)?)?$",
        title="Bijeenkomst (JJJJ-MM of JJJJ-MM:perceel)",
        description="Leeg: de eerstvolgende bijeenkomst van alle percelen.",
    )
    set_agenda: bool = Field(
        False,
        title="Agenda vaststellen en uitnodigen",
        description="Uit: alleen voorbereiden (de kandidaat-onderwerpen en signalen tonen). "
        "Aan: de agenda vaststellen met de gekozen punten en alle aanbieders uitnodigen.",
    )
    chosen: list[str] = Field(
        default_factory=list,
        title="Gekozen onderwerpen en signalen",
        description="Zoals in de lijst van kandidaten: T<n> voor een onderwerp, S<n> voor een "
        "signaal, met na een dubbele punt het agendapunt zoals de aanbieders het lezen "
        "('S3: Wachttijden ambulante hulp'; bij een signaal verplicht, want de tekst van een "
        "signaal is intern).",
    )
    region_topics: list[str] = Field(
        default_factory=list, title="Eigen onderwerpen van de regio (actuele ontwikkelingen)"
    )
    decided_by: str = Field(
        "", title="Vastgesteld door", description="Sleutel van de medewerker (bij vaststellen)."
    )

    @model_validator(mode="after")
    def _decider_when_setting(self) -> GroupMeetingInput:
        if self.set_agenda and not self.decided_by:
            raise ValueError("decided_by: verplicht bij het vaststellen van de agenda")
        return self


@flat_form
@flow(name="group-meeting")
def group_meeting(params: GroupMeetingInput = GroupMeetingInput()) -> dict:  # noqa: B008
    """Groepsoverleg contractmanagement (niveau 2). Volgens schema: opent de eerstvolgende
    bijeenkomst zodra de voorbereidingstermijn begint en toont de aangedragen onderwerpen en
    de signalen uit de individuele gesprekken van de periode. Met 'agenda vaststellen': de
    definitieve agenda uit de gekozen punten, en een uitnodiging (.ics) aan alle
    gecontracteerde aanbieders. Dezelfde agenda nog eens verstuurt niets; een gewijzigde
    agenda gaat als bijgewerkte uitnodiging."""
    as_of = params.effective_as_of()
    key = params.meeting
    if not key:
        key = open_next(as_of, "")
        if key is None:
            day = next_meeting_date(region_config(), as_of)
            return {"meeting": None, "next": day.isoformat(), "invitations": 0}
    found = load_candidates(key)
    publish_table(
        pd.DataFrame(found, columns=list(CANDIDATE_LABELS)),
        key=f"groepsoverleg-{key.replace(':', '-').lower()}-kandidaten",
        labels=CANDIDATE_LABELS,
        description=f"Kandidaat-onderwerpen en signalen voor het groepsoverleg {key}",
    )
    invitations = 0
    if params.set_agenda:
        invitations = set_agenda(key, params.chosen, params.region_topics, params.decided_by, as_of)
    delivered = deliver_outbox()
    return {"meeting": key, "candidates": len(found), "invitations": invitations, **delivered}
