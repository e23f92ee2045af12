"""The quarterly cycle's flows under the Prefect test harness."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from clm.config import RegionConfig
from clm.datasheet import data_sheet_template
from clm.db import UnitOfWork
from clm.models import IntakeFile, KpiValue, Meeting, Provider
from flows.daily_sweep import DailySweepInput, daily_sweep
from flows.intake_provider_data import IntakeProviderDataInput, intake_provider_data
from flows.quarterly_preparation import QuarterlyPreparationInput, quarterly_preparation
from flows.yearly_classification import YearlyClassificationInput, yearly_classification
from tests.conftest import AS_OF, count, table_counts
from tests.flows.conftest import artifact_markdown


def _classified() -> None:
    yearly_classification(YearlyClassificationInput(as_of=AS_OF))


def test_preparation_flow_plans_sends_and_reruns_quietly(demo: Path) -> None:
    _classified()
    before_emls = len(list((demo / "outbox").glob("*.eml")))
    out = quarterly_preparation(QuarterlyPreparationInput(as_of="2027-03-01"))
    assert (out["month"], out["planned"], out["messages"]) == ("2027-04", 40, 40)
    assert len(list((demo / "outbox").glob("*.eml"))) == before_emls + 40
    table = artifact_markdown("gesprekken-2027-04")
    assert "Gegevens ontvangen" in table and "Contractmanager" in table
    assert "**40** gesprek(ken) nieuw gepland" in artifact_markdown(
        "gesprekken-2027-04-samenvatting"
    )
    before = table_counts()
    again = quarterly_preparation(QuarterlyPreparationInput(as_of="2027-03-02", month="2027-04"))
    assert (again["planned"], again["messages"]) == (0, 0)
    assert table_counts() == before


def _sheet(folder: Path, cfg: RegionConfig, code: str, value: object = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"gegevens-{code}.xlsx"
    path.write_bytes(data_sheet_template(code, "x", "2027-Q1", cfg.sheet_kpis))
    book = load_workbook(path)
    for r in range(6, 6 + len(cfg.sheet_kpis)):
        book["Gegevens"].cell(r, 5, value)
    book.save(path)
    return path


def test_sweep_picks_up_sheets_and_is_quiet_the_second_time(demo: Path, cfg: RegionConfig) -> None:
    _classified()
    quarterly_preparation(QuarterlyPreparationInput(as_of="2027-03-01"))
    with UnitOfWork() as uow:
        codes = uow.session.scalars(
            select(Provider.code)
            .join(Meeting, Meeting.provider_id == Provider.id)
            .order_by(Meeting.starts_at)
        ).all()
    _sheet(demo / "intake" / "gegevens", cfg, codes[0])
    _sheet(demo / "intake" / "gegevens", cfg, codes[1], value="veel")  # refused
    first = daily_sweep(DailySweepInput(as_of="2027-03-25"))
    assert (first["sheets_accepted"], first["sheets_refused"]) == (1, 1)
    assert first["reminders"] > 0
    before = table_counts()
    second = daily_sweep(DailySweepInput(as_of="2027-03-25"))
    assert (
        second["sheets_accepted"],
        second["sheets_refused"],
        second["reminders"],
        second["final_agendas"],
        second["sent"],
    ) == (0, 0, 0, 0, 0)
    assert table_counts() == before
    assert count(IntakeFile) == 2


def test_intake_flow_reports_errors_and_writes_nothing(demo: Path, cfg: RegionConfig) -> None:
    with UnitOfWork() as uow:
        code = uow.session.scalars(select(Provider.code)).first()
    _sheet(demo / "intake", cfg, code, value=200)
    before = table_counts()
    state = intake_provider_data(
        IntakeProviderDataInput(file_name=f"gegevens-{code}.xlsx", as_of=AS_OF), return_state=True
    )
    assert state.is_failed()
    assert "kolom 'Waarde': 200 valt buiten het bereik" in str(state.result(raise_on_failure=False))
    assert "valt buiten het bereik" in artifact_markdown("gegevensblad-fouten")
    assert table_counts() == before
    _sheet(demo / "intake", cfg, code, value=4)
    result = intake_provider_data(
        IntakeProviderDataInput(file_name=f"gegevens-{code}.xlsx", as_of=AS_OF)
    )
    assert result["status"] == "accepted" and count(KpiValue) == len(cfg.sheet_kpis)
