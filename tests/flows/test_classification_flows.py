"""The classification flows end to end under the Prefect test harness."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from clm.storage.db import UnitOfWork
from clm.storage.models import ClassificationRow, Declaration, JudgedScore, Provider
from flows.import_declarations import ImportDeclarationsInput, import_declarations
from flows.override_category import OverrideCategoryInput, override_category
from flows.record_judged_scores import RecordJudgedScoresInput, record_judged_scores
from flows.yearly_classification import YearlyClassificationInput, yearly_classification
from tests.conftest import AS_OF, count, table_counts
from tests.flows.conftest import artifact_markdown
from tests.helpers import write_csv

YEAR = AS_OF.year + 1


def _classify(as_of=AS_OF, **kwargs):  # noqa: ANN001, ANN003, ANN202
    return yearly_classification(YearlyClassificationInput(as_of=as_of, **kwargs))


def test_yearly_classification_flow_and_rerun(demo: Path) -> None:
    result = _classify()
    assert (result["year"], result["new"], result["letters"]) == (YEAR, 40, 40)
    emls = sorted((demo / "outbox").glob("*.eml"))
    assert len(emls) == 40
    table = artifact_markdown(f"classificatie-{YEAR}")
    assert "Score" in table and "Berekende categorie" in table
    summary = artifact_markdown(f"classificatie-{YEAR}-samenvatting")
    assert f"# Classificatie {YEAR}" in summary and "40 nieuw" in summary

    before = table_counts()
    again = _classify()
    assert (again["new"], again["changed"], again["letters"]) == (0, 0, 0)
    assert table_counts() == before
    assert sorted((demo / "outbox").glob("*.eml")) == emls


def test_override_flow_sends_a_letter_and_survives(demo: Path) -> None:
    _classify()
    with UnitOfWork() as uow:
        code = uow.session.scalar(
            select(Provider.code)
            .join(ClassificationRow, ClassificationRow.provider_id == Provider.id)
            .where(ClassificationRow.category == 3)
        )
    out = override_category(
        OverrideCategoryInput(
            provider_code=code,
            year=YEAR,
            category=2,
            reason="Nieuwe zorgvorm in ontwikkeling",
            decided_by="cm-visser",
            as_of=AS_OF,
        )
    )
    assert out["changed"] is True
    assert len(list((demo / "outbox").glob("*.eml"))) == 41
    _classify()
    with UnitOfWork() as uow:
        row = uow.session.scalar(
            select(ClassificationRow).join(Provider).where(Provider.code == code)
        )
        assert (row.category, row.computed_category) == (2, 3)


def test_missing_judged_scores_fail_the_flow_with_names(demo: Path) -> None:
    with UnitOfWork() as uow:
        victim = uow.session.scalars(select(JudgedScore)).first()
        name = uow.session.get(Provider, victim.provider_id).name
        uow.session.delete(victim)
        uow.commit()
    state = yearly_classification(YearlyClassificationInput(as_of=AS_OF), return_state=True)
    assert state.is_failed()
    assert name in str(state.result(raise_on_failure=False))
    assert name in artifact_markdown(f"classificatie-{YEAR}-ontbrekend")
    assert count(ClassificationRow) == 0


def test_import_flow_reads_from_intake_and_reports_errors(demo: Path) -> None:
    with UnitOfWork() as uow:
        code = uow.session.scalars(select(Provider.code)).first()
    write_csv(demo / "intake" / "nieuw.csv", [[code, "x1", "GM0034", "2026-01", "10", "AMB"]])
    result = import_declarations(ImportDeclarationsInput(file_name="nieuw.csv", as_of=AS_OF))
    assert result["status"] == "imported" and result["periods"] == ["2026-01"]
    assert "Ingelezen: **1 regels**" in artifact_markdown("declaraties-import")
    again = import_declarations(ImportDeclarationsInput(file_name="nieuw.csv", as_of=AS_OF))
    assert again["status"] == "unchanged"

    write_csv(demo / "intake" / "fout.csv", [[code, "x1", "GM0034", "2026-02", "-3", "AMB"]])
    before = table_counts()
    state = import_declarations(
        ImportDeclarationsInput(file_name="fout.csv", as_of=AS_OF), return_state=True
    )
    assert state.is_failed()
    errors = artifact_markdown("declaraties-importfouten")
    assert "| fout.csv | 2 | Bedrag | negatief bedrag |" in errors
    assert table_counts() == before


@pytest.mark.parametrize("name", ["../clm.db", "/etc/passwd", "geen-bestand.csv"])
def test_import_flow_refuses_paths_outside_intake(demo: Path, name: str) -> None:
    if name == "../clm.db":
        shutil.copy(demo / "clm.db", demo / "clm-copy.db")
    before = table_counts()
    state = import_declarations(
        ImportDeclarationsInput(file_name=name, as_of=AS_OF), return_state=True
    )
    assert state.is_failed()
    message = str(state.result(raise_on_failure=False))
    assert "parameter file_name" in message
    assert table_counts() == before
    assert count(Declaration) > 0


def test_record_judged_scores_flow(demo: Path) -> None:
    with UnitOfWork() as uow:
        code = uow.session.scalars(select(Provider.code)).first()
    params = RecordJudgedScoresInput(
        provider_code=code,
        year=YEAR,
        specialisation=9,
        information=2,
        political_importance=5,
        remark="herzien",
        entered_by="cm-jansen",
        as_of=AS_OF,
    )
    assert record_judged_scores(params)["changed"] == 1
    assert record_judged_scores(params)["changed"] == 0
    state = record_judged_scores(
        params.model_copy(update={"entered_by": "onbekend"}), return_state=True
    )
    assert state.is_failed()
    assert "Onbekende medewerker 'onbekend'" in str(state.result(raise_on_failure=False))
