"""Judged scores: from a sheet (CSV/Excel), validated whole, stored with a dossier event."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from admin.demo import demo_providers, upsert_providers
from clm.errors import ConfigError, InvalidInput
from clm.rules.config import RegionConfig
from clm.services.judged import import_judged_scores
from clm.storage.db import UnitOfWork
from clm.storage.models import DossierEvent, JudgedScore
from tests.conftest import AS_OF, count, table_counts
from tests.helpers import write_csv, write_xlsx

HEADER = ["AGB-code", "Specialisatie", "Informatie", "Politiek belang", "Toelichting"]


@pytest.fixture
def codes(sqlite_db: str, cfg: RegionConfig) -> list[str]:
    providers = demo_providers(cfg)[:2]
    upsert_providers(UnitOfWork(), providers)
    return [p.code for p in providers]


def test_sheet_is_stored_once(tmp_path: Path, cfg: RegionConfig, codes: list[str]) -> None:
    path = write_xlsx(
        tmp_path / "b.xlsx",
        [[codes[0], 7, 5, 3, "stabiel"], [codes[1], 2, 2, 9, ""]],
        header=HEADER,
        sheet="Beoordeling",
    )
    assert import_judged_scores(UnitOfWork(), cfg, path, 2027, "cm-jansen", AS_OF) == (2, 2)
    assert import_judged_scores(UnitOfWork(), cfg, path, 2027, "cm-jansen", AS_OF) == (2, 0)
    with UnitOfWork() as uow:
        first = uow.session.scalars(select(JudgedScore).order_by(JudgedScore.id)).first()
        assert (
            first.specialisation,
            first.information,
            first.political_importance,
            first.remark,
        ) == (7, 5, 3, "stabiel")
        kinds = uow.session.scalars(select(DossierEvent.kind)).all()
    assert kinds == ["judged_scores", "judged_scores"]


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ([["{0}", "11", "5", "5", ""]], "rij 2, kolom 'Specialisatie': moet een geheel getal"),
        ([["{0}", "7,5", "5", "5", ""]], "rij 2, kolom 'Specialisatie'"),
        ([["{0}", "7", "", "5", ""]], "rij 2, kolom 'Informatie'"),
        ([["12345678", "7", "5", "5", ""]], "rij 2, kolom 'AGB-code': onbekende aanbieder"),
        (
            [["{0}", "7", "5", "5", ""], ["{0}", "6", "5", "5", ""]],
            "rij 3, kolom 'AGB-code': aanbieder staat er meer dan eens in",
        ),
    ],
)
def test_bad_sheets_write_nothing(
    tmp_path: Path, cfg: RegionConfig, codes: list[str], rows: list[list[str]], fragment: str
) -> None:
    rows = [[v.format(codes[0]) for v in r] for r in rows]
    path = write_csv(tmp_path / "b.csv", rows, header=HEADER)
    before = table_counts()
    with pytest.raises(InvalidInput) as info:
        import_judged_scores(UnitOfWork(), cfg, path, 2027, "cm-jansen", AS_OF)
    assert "b.csv, " + fragment in str(info.value)
    assert table_counts() == before


def test_unknown_staff_member_is_refused(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    path = write_csv(tmp_path / "b.csv", [[codes[0], "7", "5", "5", ""]], header=HEADER)
    with pytest.raises(ConfigError, match="Onbekende medewerker 'niemand'"):
        import_judged_scores(UnitOfWork(), cfg, path, 2027, "niemand", AS_OF)
    assert count(JudgedScore) == 0
