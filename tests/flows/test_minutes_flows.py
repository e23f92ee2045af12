"""The life of a meeting's minutes through the flows, under the Prefect test harness."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from clm.clock import REGION_TZ
from clm.services.meetings import as_utc
from clm.storage.db import UnitOfWork
from clm.storage.models import Meeting, Minutes, Provider
from flows.close_action import CloseActionInput, close_action
from flows.daily_sweep import DailySweepInput, daily_sweep
from flows.export_dossier import ExportDossierInput, export_dossier
from flows.quarterly_preparation import QuarterlyPreparationInput, quarterly_preparation
from flows.record_minutes import RecordMinutesInput, record_minutes
from flows.register_reaction import RegisterReactionInput, register_reaction
from flows.release_minutes import ReleaseMinutesInput, release_minutes
from flows.send_minutes_copy import SendMinutesCopyInput, send_minutes_copy
from flows.yearly_classification import YearlyClassificationInput, yearly_classification
from tests.conftest import AS_OF, table_counts


def _form(code: str, day: date, text: str = "Wachtlijst besproken") -> dict:
    return {
        "provider_code": code,
        "month": "2027-04",
        "as_of": day,
        "recorded_by": "os-mulder",
        "attendees": ["Eva de Vries", "Marieke Jansen"],
        "items": [{"number": "4b", "discussion": text}],
        "actions": [
            {
                "agenda_item": "4b",
                "description": "Plan van aanpak",
                "owner_side": "provider",
                "owner": "Eva de Vries",
                "deadline": day + timedelta(days=40),
            }
        ],
    }


def test_minutes_from_record_to_final(demo: Path) -> None:
    yearly_classification(YearlyClassificationInput(as_of=AS_OF))
    quarterly_preparation(QuarterlyPreparationInput(as_of="2027-03-01"))
    with UnitOfWork() as uow:
        meeting, code = uow.session.execute(
            select(Meeting, Provider.code).join(Provider).order_by(Meeting.starts_at)
        ).first()
    day = as_utc(meeting.starts_at).astimezone(REGION_TZ).date()
    ref = {"provider_code": code, "month": "2027-04"}

    assert record_minutes(RecordMinutesInput(**_form(code, day)))["minutes"] == "recorded"
    assert (
        release_minutes(
            ReleaseMinutesInput(**ref, released_by="os-mulder", as_of=day + timedelta(days=1))
        )["version_sent"]
        == 1
    )
    react = RegisterReactionInput(
        **ref,
        comments=[{"agenda_item": "4b", "comment": "Cijfer"}],
        registered_by="os-mulder",
        as_of=day + timedelta(days=3),
    )
    assert register_reaction(react)["reaction"] == "comments"
    record_minutes(
        RecordMinutesInput(
            **_form(code, day + timedelta(days=4), "Herzien") | {"as_of": day + timedelta(days=4)}
        )
    )
    assert (
        release_minutes(
            ReleaseMinutesInput(**ref, released_by="os-mulder", as_of=day + timedelta(days=4))
        )["version_sent"]
        == 2
    )
    assert (
        send_minutes_copy(
            SendMinutesCopyInput(**ref, requested_by="Eva", as_of=day + timedelta(days=5))
        )["sent"]
        == "draft"
    )
    with UnitOfWork() as uow:
        due = uow.session.scalar(select(Minutes.reaction_due))
    sweep = daily_sweep(DailySweepInput(as_of=due + timedelta(days=1)))
    assert sweep["minutes_finalised"] == 1
    before = table_counts()
    again = daily_sweep(DailySweepInput(as_of=due + timedelta(days=1)))
    assert again["minutes_finalised"] == 0 and again["sent"] == 0
    assert table_counts() == before
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(Minutes.status)) == "final"
    assert (
        close_action(
            CloseActionInput(
                **ref, number=1, remark="Plan ontvangen", closed_by="cm-jansen", as_of=due
            )
        )["closed"]
        is True
    )
    exported = export_dossier(ExportDossierInput(provider_code=code, start=AS_OF, end=due))
    assert Path(exported["pdf"]).is_file() and Path(exported["zip"]).is_file()
    assert Path(exported["pdf"]).parent == demo / "exports"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda f: f["actions"][0].pop("deadline"), "actions.0.deadline"),
        (lambda f: f["actions"][0].update(owner=""), "actions.0.owner"),
        (lambda f: f["actions"][0].update(owner_side="gemeente"), "actions.0.owner_side"),
        (lambda f: f.update(attendees=[]), "attendees"),
        (lambda f: f.update(month="2027-05"), "month"),
        (lambda f: f.update(provider_code="123"), "provider_code"),
    ],
)
def test_form_errors_name_the_field(change, field: str) -> None:  # noqa: ANN001
    form = _form("12345678", date(2027, 4, 5))
    change(form)
    with pytest.raises(ValidationError) as info:
        RecordMinutesInput(**form)
    assert field in str(info.value)
