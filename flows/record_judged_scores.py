"""Flow record-judged-scores: a contract manager scores one provider on the judged criteria."""

from __future__ import annotations

from prefect import flow
from pydantic import Field

from clm.rules.commands import JudgedInput
from flows.common import FlowInput, ProviderCode, StaffKey, Year, flat_form
from tasks.artifacts import publish_markdown
from tasks.judged import record_scores
from tasks.outbox import deliver_outbox

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


@flat_form
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
    as_of = params.effective_as_of()
    changed = record_scores(item, params.year, params.entered_by, as_of)
    publish_markdown(
        "artifacts/judged_scores.md.j2",
        key=f"oordelen-{params.provider_code}-{params.year}",
        description=f"Beoordeelde criteria {params.provider_code} {params.year}",
        code=params.provider_code,
        year=params.year,
        item=item,
        changed=changed,
        entered_by=params.entered_by,
        as_of=as_of,
    )
    return {
        "provider_code": params.provider_code,
        "year": params.year,
        "changed": changed,
        **deliver_outbox(),
    }
