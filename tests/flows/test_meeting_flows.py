"""The quarterly cycle's flows under the Prefect test harness."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from clm.documents.datasheet import data_sheet_template
from clm.rules.config import RegionConfig
from clm.storage.db import UnitOfWork
from clm.storage.models import IntakeFile, KpiValue, Meeting, OutboxMessage, Provider
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
    with UnitOfWork() as uow:  # the provider's receipt went out in this run
        receipt = uow.session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.key.like(f"data:{code}:%"))
        )
    assert receipt == "sent" and result["sent"] >= 1


def test_no_provider_file_stops_the_sweep(demo: Path, cfg: RegionConfig, tmp_path: Path) -> None:
    """Files that once stopped every sweep (the text NaN in a value, a link out of the intake
    folder, bytes that are no workbook, a value of 1e308) are each refused once with their
    reason, reported once to the functional administrator, and the rest goes on: the good
    sheet is taken in and the mail is delivered."""
    from clm.storage.models import OutboxMessage

    _classified()
    quarterly_preparation(QuarterlyPreparationInput(as_of="2027-03-01"))
    with UnitOfWork() as uow:
        codes = uow.session.scalars(select(Provider.code).order_by(Provider.code)).all()
    folder = demo / "intake" / "gegevens"
    _sheet(folder, cfg, codes[0])
    _sheet(folder, cfg, codes[1], value="NaN")
    _sheet(folder, cfg, codes[2], value=1e308)
    (folder / "kapot.xlsx").write_bytes(b"PK\x03\x04 geen werkmap")
    secret = tmp_path / "geheim.xlsx"
    secret.write_bytes(data_sheet_template(codes[3], "x", "2027-Q1", cfg.sheet_kpis))
    (folder / "link.xlsx").symlink_to(secret)

    first = daily_sweep(DailySweepInput(as_of="2027-03-25"))
    assert (first["sheets_accepted"], first["sheets_refused"]) == (1, 4)
    with UnitOfWork() as uow:
        refused = dict(
            uow.session.execute(
                select(IntakeFile.file_name, IntakeFile.errors).where(
                    IntakeFile.status == "refused"
                )
            ).all()
        )
        alerts = uow.session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.key.like("alert:intake-refused:%"))
        ).all()
    assert set(refused) == {
        f"gegevens-{codes[1]}.xlsx",
        f"gegevens-{codes[2]}.xlsx",
        "kapot.xlsx",
        "link.xlsx",
    }
    assert "buiten de intakemap" in refused["link.xlsx"][0]
    assert "geen getal" in " ".join(refused[f"gegevens-{codes[1]}.xlsx"])
    assert len(alerts) == 1 and "kapot.xlsx" in alerts[0]
    second = daily_sweep(DailySweepInput(as_of="2027-03-26"))
    assert (second["sheets_accepted"], second["sheets_refused"]) == (0, 0)
    with UnitOfWork() as uow:
        assert (
            uow.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.key.like("alert:intake-refused:%"))
            )
            == 1
        )


def test_one_providers_broken_data_does_not_stop_the_preparation(demo: Path) -> None:
    """A provider whose stored name holds a NUL byte (old data, written before the checks)
    breaks its own agenda; the preparation sets it aside with the reason, plans the other
    39, tells the administrator once, and a rerun after the repair plans it too."""
    from sqlalchemy import text

    from clm.storage.models import OutboxMessage

    _classified()
    with UnitOfWork() as uow:
        code = uow.session.scalars(select(Provider.code).order_by(Provider.code)).first()
        uow.session.execute(
            text("update providers set name = :n where code = :c"),
            {"n": "Zorg\x00groep", "c": code},
        )
        uow.commit()
    out = quarterly_preparation(QuarterlyPreparationInput(as_of="2027-03-01", month="2027-04"))
    assert out["planned"] == 39 and len(out["set_aside"]) == 1
    assert out["set_aside"][0].startswith(code)
    assert "Apart gezet (1)" in artifact_markdown("gesprekken-2027-04-samenvatting")
    with UnitOfWork() as uow:
        alerts = uow.session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.key.like("alert:set-aside:%"))
        ).all()
        uow.session.execute(
            text("update providers set name = 'Zorggroep' where code = :c"), {"c": code}
        )
        uow.commit()
    assert alerts == ["1 aanbieder(s) apart gezet bij voorbereiding 04-2027"]
    again = quarterly_preparation(QuarterlyPreparationInput(as_of="2027-03-02", month="2027-04"))
    assert (again["planned"], again["set_aside"]) == (1, [])

    # the sweep: the bad name shows as U+FFFD in the final agenda's mail instead of stopping
    # it (or any other of the sweep's loops); every due agenda goes out
    with UnitOfWork() as uow:
        uow.session.execute(
            text("update providers set name = :n where code = :c"),
            {"n": "Zorg\x00groep", "c": code},
        )
        uow.commit()
    with UnitOfWork() as uow:
        meetings = uow.session.execute(
            select(Provider.code, Meeting.final_agenda_due, Meeting.starts_at).join(
                Meeting, Meeting.provider_id == Provider.id
            )
        ).all()
    due = next(d for c, d, _ in meetings if c == code)
    expected = sum(1 for c, d, start in meetings if d <= due and start.date() >= due)
    sweep = daily_sweep(DailySweepInput(as_of=due))
    assert sweep["final_agendas"] == expected
    with UnitOfWork() as uow:
        subject = uow.session.scalar(
            select(OutboxMessage.subject).where(OutboxMessage.key.like(f"%:{code}:final-agenda"))
        )
    assert "Zorg\ufffdgroep [CLM-" in subject  # the reference follows the name
