"""Flow record-judged-scores: a contract manager scores one provider on the judged criteria."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from clm.services.judged import JudgedInput
from flows.common import FlowInput, ProviderCode, StaffKey, Year
from tasks.judged import record_scores

_SCORE = {"ge": 1, "le": 10}


class RecordJudgedScoresInput(FlowInput):
    """Beoordeelde criteria van één aanbieder."""

    provider_code: ProviderCode
    year: Year
    specialisation: int = Field(..., **_SCORE, title="Specialisatie van het aanbod (1-10)")
    information: int = Field(..., **_SCORE, title="Bijdrage aan informatie (1-10)")
    political_importance: int = Field(..., **_SCORE, title="Politiek belang (1-10)")
    remark: str = Field("", max_length=2000, title="Toelichting")
    entered_by: StaffKey


@flow(name="record-judged-scores")
def record_judged_scores(params: RecordJudgedScoresInput) -> dict:
    """Beoordeelde criteria vastleggen (specialisatie, bijdrage aan informatie, politiek belang)
    voor één aanbieder en één jaar. De wijziging komt in het contractdossier; de volgende
    classificatie gebruikt de nieuwe scores."""
    item = JudgedInput(
        params.provider_code,
        params.specialisation,
        params.information,
        params.political_importance,
        params.remark,
    )
    changed = record_scores(item, params.year, params.entered_by, params.effective_as_of())
    return {"provider_code": params.provider_code, "year": params.year, "changed": changed}
