"""Flow quarterly-preparation: plan the meetings of a meeting month and send the requests."""

from __future__ import annotations

from datetime import date

import pandas as pd
from prefect import flow
from pydantic import Field, field_validator

from clm.rules import labels
from clm.rules.meetings import next_meeting_month
from clm.rules.quarters import MeetingMonth
from flows.common import FlowInput, flat_form
from tasks.artifacts import publish_markdown, publish_table
from tasks.meetings import load_month, plan_and_request
from tasks.outbox import deliver_outbox


class QuarterlyPreparationInput(FlowInput):
    """Invoer van de voorbereiding van een gespreksmaand."""

    month: str | None = Field(
        None,
        pattern=r"^[0-9]{4}-(01|04|07|10)$",
        title="Gespreksmaand (JJJJ-MM)",
        description="April, juli, oktober of januari, bijvoorbeeld 2027-04. Leeg: de eerstvolgende "
        "gespreksmaand na de peildatum.",
    )
    provider_code: str | None = Field(
        None,
        pattern=r"^[0-9]{8}$",
        title="Alleen deze aanbieder (AGB-code)",
        description="Leeg: alle aanbieders die in deze maand een gesprek hebben.",
    )

    @field_validator("month", "provider_code", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None

    def meeting_month(self, as_of: date) -> date:
        if self.month:
            return MeetingMonth.parse(self.month).first_day
        return next_meeting_month(as_of)


@flat_form
@flow(name="quarterly-preparation")
def quarterly_preparation(
    params: QuarterlyPreparationInput = QuarterlyPreparationInput(),  # noqa: B008
) -> dict:
    """Voorbereiding van de contractvoortgangsgesprekken van een gespreksmaand: plant per
    aanbieder een gesprek (contractmanager, contractbeheer, ondersteuner; beleid in april en
    oktober, control in juli en januari), zonder dubbele boekingen, en stuurt de conceptagenda
    met het informatieverzoek, het gegevensblad en de agenda-uitnodiging. Opnieuw draaien
    plant en verstuurt niets nieuws."""
    as_of = params.effective_as_of()
    month = params.meeting_month(as_of)
    summary = plan_and_request(month, as_of, params.provider_code)
    rows = load_month(month)
    key = f"gesprekken-{month:%Y-%m}"
    publish_table(
        pd.DataFrame(rows),
        labels=labels.MEETINGS,
        key=key,
        description=f"Geplande contractvoortgangsgesprekken {month:%m-%Y}",
    )
    publish_markdown(
        "artifacts/preparation_summary.md.j2",
        key=f"{key}-samenvatting",
        description=f"Voorbereiding gespreksmaand {month:%m-%Y}",
        summary=summary,
        month=month,
    )
    deliver_outbox()
    return summary


if __name__ == "__main__":
    quarterly_preparation()
