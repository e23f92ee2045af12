"""Flow register-reaction: the provider's reaction to the minutes."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from flows.common import FormModel, MeetingInput, StaffKey, flat_form, receipt
from tasks.minutes import react
from tasks.outbox import deliver_outbox


class CommentInput(FormModel):
    """Opmerking van de aanbieder bij één agendapunt."""

    agenda_item: str = Field(..., title="Agendapunt")
    comment: str = Field(..., min_length=1, max_length=5000, title="Opmerking")


class RegisterReactionInput(MeetingInput):
    """Reactie van de aanbieder op het verslag."""

    agreed: bool = Field(
        False,
        title="Akkoord",
        description="Aan: de aanbieder gaat akkoord; het verslag wordt definitief.",
    )
    comments: list[CommentInput] = Field(default_factory=list, title="Opmerkingen")
    registered_by: StaffKey


@flat_form
@flow(name="register-reaction")
def register_reaction(params: RegisterReactionInput) -> dict:
    """De reactie van de aanbieder vastleggen: akkoord (het verslag wordt meteen definitief en
    gaat naar het contractdossier) of opmerkingen per agendapunt (pas het verslag aan met
    verslag-vastleggen en verstuur de herziene versie met verslag-versturen)."""
    outcome = react(
        params.provider_code,
        params.meeting_month(),
        params.agreed,
        {c.agenda_item: c.comment for c in params.comments},
        params.registered_by,
        params.effective_as_of(),
    )
    deliver_outbox()
    receipt(
        f"reactie op verslag {params.provider_code}",
        ["Akkoord: het verslag is definitief"]
        if params.agreed
        else [f"Opmerkingen bij {len(params.comments)} agendapunten"],
        []
        if params.agreed
        else [
            "Herzie het verslag (verslag-vastleggen) en verstuur het opnieuw (verslag-versturen)."
        ],
        params.provider_code,
        params.registered_by,
    )
    return {"reaction": outcome}
