"""Flow record-group-report: the report of a group meeting, with actions and action holders."""

from __future__ import annotations

from datetime import date

from prefect import flow
from pydantic import Field

from clm.rules.commands import GroupAction
from flows.common import FlowInput, FormModel, StaffKey, flat_form, receipt
from tasks.group_meetings import record_report
from tasks.outbox import deliver_outbox


class GroupActionInput(FormModel):
    """Een actiepunt met zijn actiehouder."""

    description: str = Field(..., min_length=3, max_length=1000, title="Wat")
    holder: str = Field(
        ...,
        min_length=1,
        title="Actiehouder",
        description="AGB-code van de aanbieder of sleutel van de medewerker van de regio.",
    )
    deadline: date = Field(..., title="Deadline")


class RecordGroupReportInput(FlowInput):
    """Verslag van een groepsoverleg."""

    meeting: str = Field(
        ..., pattern=r"^[0-9]{4}-[0-9]{2}(:[A-Z0-9_-]+)?$", title="Bijeenkomst (JJJJ-MM[:perceel])"
    )
    attendees: list[str] = Field(default_factory=list, title="Aanwezige aanbieders (AGB-codes)")
    notes: list[str] = Field(
        default_factory=list,
        title="Verslag per agendapunt",
        description="In de volgorde van de agenda.",
    )
    actions: list[GroupActionInput] = Field(default_factory=list, title="Actiepunten")
    framework_change: str = Field(
        "",
        max_length=5000,
        title="Voorstel wijziging raamovereenkomst (art. 8)",
        description="Leeg als de bijeenkomst geen wijziging van de raamovereenkomst oplevert.",
    )
    recorded_by: StaffKey


@flat_form
@flow(name="record-group-report")
def record_group_report(params: RecordGroupReportInput) -> dict:
    """Het verslag van een gehouden groepsoverleg vastleggen en aan alle aanbieders sturen:
    aanwezigen, verslag per agendapunt, actiepunten met actiehouders (die worden opgevolgd
    zoals die van de individuele gesprekken) en een eventueel voorstel tot wijziging van de
    raamovereenkomst. Hetzelfde verslag nog eens verstuurt niets."""
    sent = record_report(
        params.meeting,
        params.attendees,
        params.notes,
        [GroupAction(a.description, a.holder, a.deadline) for a in params.actions],
        params.framework_change,
        params.recorded_by,
        params.effective_as_of(),
    )
    delivered = deliver_outbox()
    receipt(
        f"verslag groepsoverleg {params.meeting}",
        [f"Verslag vastgelegd met {len(params.actions)} actiepunten"] if sent else [],
        ["De actiepunten worden opgevolgd zoals die van de gesprekken."],
        who=params.recorded_by,
    )
    return {"meeting": params.meeting, "reports": sent, **delivered}
