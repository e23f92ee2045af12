"""Flow minutes-template: a blank minutes sheet for one meeting, in the intake folder."""

from __future__ import annotations

from prefect import flow

from flows.common import MeetingInput, flat_form, receipt
from tasks.minutes import template


class MinutesTemplateInput(MeetingInput):
    """Leeg verslagblad voor een gesprek."""


@flat_form
@flow(name="minutes-template")
def minutes_template(params: MinutesTemplateInput) -> dict:
    """Zet een leeg verslagblad (.xlsx, met alle agendapunten en een tabblad voor de
    actiepunten) voor dit gesprek in de map 'verslagen' van de intakemap. Een bestaand blad
    wordt nooit overschreven. Ingevuld inlezen gaat met verslagformulier-inlezen."""
    file = template(params.provider_code, params.meeting_month())
    receipt(
        f"verslagblad {params.provider_code}",
        [f"Verslagblad: {file}"],
        ["Vul het blad in en lees het in met verslagformulier-inlezen."],
        params.provider_code,
    )
    return {"file": file}
