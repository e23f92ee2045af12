"""Flow minutes-template: a blank minutes sheet for one meeting, in the intake folder."""

from __future__ import annotations

from prefect import flow

from flows.common import MeetingInput
from tasks.minutes import template


class MinutesTemplateInput(MeetingInput):
    """Leeg verslagblad voor een gesprek."""


@flow(name="minutes-template")
def minutes_template(params: MinutesTemplateInput) -> dict:
    """Zet een leeg verslagblad (.xlsx, met alle agendapunten en een tabblad voor de
    actiepunten) voor dit gesprek in de map 'verslagen' van de intakemap. Een bestaand blad
    wordt nooit overschreven. Ingevuld inlezen gaat met verslagformulier-inlezen."""
    return {"file": template(params.provider_code, params.meeting_month())}
