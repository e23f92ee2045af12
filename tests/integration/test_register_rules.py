"""The register's rules hold for what is stored and what comes in together (SQLite and
PostgreSQL): a second import cannot add an overlapping term for a provider and lot, a second
main contractor for a subcontractor, lot and period, or a cycle of subcontracting of any
length; one sheet cannot add a cycle either; and two imports at once cannot both get in."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from admin.demo import demo_providers, upsert_providers
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.services.contracts import import_contracts
from clm.storage.db import UnitOfWork
from clm.storage.models import Contract, Subcontract
from tests.conftest import table_counts
from tests.helpers import write_csv

CONTRACTS = ["AGB-code", "Raamovereenkomst", "Perceel", "Ingangsdatum", "Einddatum", "Optiejaren"]
SUBS = ["Hoofdaannemer", "Onderaannemer", "Perceel", "Vanaf", "Tot en met", "Declaraties"]
DAY = date(2027, 1, 11)


@pytest.fixture
def codes(db: str, cfg: RegionConfig) -> list[str]:
    """Four providers that all hold AMB."""
    demo = demo_providers(cfg, count=4)
    upsert_providers(UnitOfWork(), [replace(p, care_types=("AMB",)) for p in demo])
    return [p.code for p in demo]


def _import(
    cfg: RegionConfig,
    folder: Path,
    contracts: list[list[str]],
    subs: list[list[str]] | None = None,
    name: str = "register",
) -> object:
    folder.mkdir(parents=True, exist_ok=True)
    sheet = write_csv(folder / f"{name}.csv", contracts, header=CONTRACTS)
    relations = write_csv(folder / f"{name}-oa.csv", subs, header=SUBS) if subs else None
    return import_contracts(UnitOfWork(), cfg, sheet, "cb-smit", DAY, subcontracts=relations)


def _amb(code: str, agreement: str = "RO-2025", start: str = "01-01-2025",
         end: str = "31-12-2027") -> list[str]:  # fmt: skip
    return [code, agreement, "AMB", start, end, "0"]


def _sub(main: str, sub: str, start: str = "01-01-2026", end: str = "") -> list[str]:
    return [main, sub, "AMB", start, end, "hoofdaannemer"]


def test_a_second_import_cannot_add_an_overlapping_term(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    _import(cfg, tmp_path / "1", [_amb(codes[0])])
    before = table_counts()
    overlapping = _amb(codes[0], "RO-2027", "01-06-2027", "31-12-2029")
    with pytest.raises(InvalidInput) as refused:
        _import(cfg, tmp_path / "2", [overlapping, _amb(codes[1])])
    text = str(refused.value)
    assert "register.csv, rij 2" in text and "'RO-2025' (01-01-2025 t/m 31-12-2027)" in text
    assert table_counts() == before  # the good row of the sheet is not stored either
    # a term that follows the stored one is fine
    _import(cfg, tmp_path / "3", [_amb(codes[0], "RO-2028", "01-01-2028", "31-12-2030")])
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Contract)) == 2


def test_a_second_import_cannot_give_a_subcontractor_a_second_main_contractor(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    register = [_amb(codes[0]), _amb(codes[2])]
    _import(cfg, tmp_path / "1", register, [_sub(codes[0], codes[1])])
    before = table_counts()
    with pytest.raises(InvalidInput) as refused:
        _import(cfg, tmp_path / "2", register, [_sub(codes[2], codes[1], "01-03-2027")])
    text = str(refused.value)
    assert "register-oa.csv, rij 2" in text and f"hoofdaannemer {codes[0]}" in text
    assert table_counts() == before
    # once the first relation ends, the second may start
    _import(cfg, tmp_path / "3", register, [_sub(codes[0], codes[1], end="28-02-2027")])
    _import(cfg, tmp_path / "4", register, [_sub(codes[2], codes[1], "01-03-2027")])


@pytest.mark.parametrize("length", [2, 3, 4])
def test_no_cycle_of_any_length_in_one_sheet(
    tmp_path: Path, cfg: RegionConfig, codes: list[str], length: int
) -> None:
    ring = codes[:length]
    links = [_sub(ring[i], ring[(i + 1) % length]) for i in range(length)]
    before = table_counts()
    with pytest.raises(InvalidInput, match="kringverband voor perceel AMB"):
        _import(cfg, tmp_path, [_amb(c) for c in ring], links)
    assert table_counts() == before


def test_no_cycle_across_imports_but_one_in_separate_periods_is_no_cycle(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    register = [_amb(c) for c in codes[:3]]
    chain = [_sub(codes[0], codes[1]), _sub(codes[1], codes[2])]
    _import(cfg, tmp_path / "1", register, chain)
    with pytest.raises(InvalidInput) as refused:
        _import(cfg, tmp_path / "2", register, [_sub(codes[2], codes[0], "01-01-2027")])
    assert f"{codes[0]} → {codes[1]} → {codes[2]} → {codes[0]}" in str(refused.value)
    # back the other way only after the chain has ended: no common day, no cycle
    ended = [_sub(codes[0], codes[1], end="31-12-2026"), _sub(codes[1], codes[2])]
    _import(cfg, tmp_path / "3", register, ended)
    _import(cfg, tmp_path / "4", register, [_sub(codes[2], codes[0], "01-01-2027")])
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Subcontract)) == 3


def test_two_imports_at_once_cannot_both_get_in(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    """Two staff members import at the same moment, each a relation that alone is fine and
    together is not: one is stored, the other refused, whichever comes first."""
    register = [_amb(codes[0]), _amb(codes[2])]
    _import(cfg, tmp_path / "0", register)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def run(n: int, main: str) -> None:
        start.wait()
        try:
            _import(cfg, tmp_path / str(n), register, [_sub(main, codes[1])])
            outcomes.append("opgeslagen")
        except InvalidInput as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=run, args=(n, m)) for n, m in ((1, codes[0]), (2, codes[2]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(o == "opgeslagen" for o in outcomes) == [False, True], outcomes
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Subcontract)) == 1
