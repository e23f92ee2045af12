"""Declaration import: a good file, re-import, a corrected period, and the bad-file catalogue.

Runs on SQLite and on PostgreSQL (when reachable)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from admin.demo import demo_providers, upsert_providers
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.services.declarations import import_declarations
from clm.storage.db import UnitOfWork
from clm.storage.models import Declaration
from tests.conftest import AS_OF, table_counts
from tests.helpers import write_csv, write_xlsx

pytestmark = pytest.mark.slow  # over ten seconds of a worker: not in make test-quick


@pytest.fixture
def codes(db: str, cfg: RegionConfig) -> list[str]:
    providers = demo_providers(cfg)[:3]
    upsert_providers(UnitOfWork(), providers)
    return [p.code for p in providers]


def _good_rows(codes: list[str]) -> list[list[object]]:
    a, b, _ = codes
    return [
        [a, "c1", "GM0034", "2025-01", "1.234,50", "AMB"],
        [a, "c2", "GM0303", "2025-01", "100", "AMB"],
        [b, "c1", "GM0995", "01-02-2025", "99.95", "DAG"],
        [b, "c3", "0050", "2025-02-15", "€ 10,00", "dag"],
    ]


def _imported() -> list[tuple]:
    with UnitOfWork() as uow:
        return uow.session.execute(
            select(
                Declaration.client_ref,
                Declaration.municipality_code,
                Declaration.period,
                Declaration.amount,
                Declaration.care_type,
            ).order_by(Declaration.id)
        ).all()


def test_good_csv_then_same_again_then_corrected(
    tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    path = write_csv(tmp_path / "decl.csv", _good_rows(codes))
    first = import_declarations(UnitOfWork(), cfg, path, AS_OF)
    assert (first.status, first.rows, first.periods) == ("imported", 4, ["2025-01", "2025-02"])
    assert first.total_amount == pytest.approx(1444.45)
    rows = _imported()
    assert rows[0][1:] == ("GM0034", date(2025, 1, 1), pytest.approx(1234.50), "AMB")
    assert rows[3][1] == "GM0050" and rows[3][4] == "DAG"

    before = table_counts()
    again = import_declarations(UnitOfWork(), cfg, path, AS_OF)
    assert again.status == "unchanged"
    assert table_counts() == before

    # a corrected file for January only: January is replaced, February stays
    fixed = write_csv(
        tmp_path / "decl-jan.csv", [[codes[0], "c1", "GM0034", "2025-01", "1200", "AMB"]]
    )
    result = import_declarations(UnitOfWork(), cfg, fixed, AS_OF)
    assert (result.status, result.replaced_rows, result.periods) == ("imported", 2, ["2025-01"])
    with UnitOfWork() as uow:
        per_month = dict(
            uow.session.execute(
                select(Declaration.period, func.count()).group_by(Declaration.period)
            ).all()
        )
    assert per_month == {date(2025, 1, 1): 1, date(2025, 2, 1): 2}


def test_excel_file_is_accepted(tmp_path: Path, cfg: RegionConfig, codes: list[str]) -> None:
    rows = [
        [codes[0], "c1", "GM0034", date(2025, 3, 1), 12.5, "AMB"],
        [int(codes[1]), "c9", "GM0303", "2025-03", "7,25", "GGZ"],
    ]
    path = write_xlsx(
        tmp_path / "decl.xlsx",
        rows,
        header=["aanbieder", "CLIENT", "gemeentecode", "maand", "bedrag", "perceel"],
    )
    result = import_declarations(UnitOfWork(), cfg, path, AS_OF)
    assert (result.status, result.rows, result.periods) == ("imported", 2, ["2025-03"])


def _ok(c: list[str]) -> list[object]:
    """A valid row: each bad file starts with one, so that a partial write would show."""
    return [c[2], "ok", "GM0034", "2025-06", "1", "AMB"]


# Each bad file: its rows, and what the message must name (file, row, column, text).
BAD_FILES = {
    "unknown-provider": (
        lambda c: [_ok(c), ["99999999", "c1", "GM0034", "2025-01", "10", "AMB"]],
        ["bad.csv, rij 3, kolom 'AGB-code': onbekende aanbieder"],
    ),
    "bad-agb-format": (
        lambda c: [_ok(c), ["1234", "c1", "GM0034", "2025-01", "10", "AMB"]],
        ["bad.csv, rij 3, kolom 'AGB-code': geen geldige AGB-code"],
    ),
    "unknown-municipality": (
        lambda c: [_ok(c), [c[0], "c1", "GM0363", "2025-01", "10", "AMB"]],
        ["bad.csv, rij 3, kolom 'Gemeente': onbekende gemeentecode"],
    ),
    "bad-date": (
        lambda c: [
            _ok(c),
            [c[0], "c1", "GM0034", "2025-13", "10", "AMB"],
            [c[0], "c2", "GM0034", "31-02-2025", "10", "AMB"],
            [c[0], "c3", "GM0034", "gisteren", "10", "AMB"],
        ],
        [
            "bad.csv, rij 3, kolom 'Periode': ongeldige periode",
            "rij 4, kolom 'Periode'",
            "rij 5, kolom 'Periode'",
        ],
    ),
    "negative-amount": (
        lambda c: [_ok(c), [c[0], "c1", "GM0034", "2025-01", "-10,00", "AMB"]],
        ["bad.csv, rij 3, kolom 'Bedrag': negatief bedrag"],
    ),
    "non-numeric-amount": (
        lambda c: [
            _ok(c),
            [c[0], "c1", "GM0034", "2025-01", "tien", "AMB"],
            [c[0], "c2", "GM0034", "2025-01", "", "AMB"],
        ],
        ["bad.csv, rij 3, kolom 'Bedrag': bedrag 'tien' is geen getal", "rij 4, kolom 'Bedrag'"],
    ),
    "unknown-care-type": (
        lambda c: [_ok(c), [c[0], "c1", "GM0034", "2025-01", "10", "WMO"]],
        ["bad.csv, rij 3, kolom 'Zorgvorm': onbekende zorgvorm"],
    ),
    "missing-client": (
        lambda c: [_ok(c), [c[0], "", "GM0034", "2025-01", "10", "AMB"]],
        ["bad.csv, rij 3, kolom 'Cliënt': cliënt ontbreekt"],
    ),
    "duplicate-rows": (
        lambda c: [
            _ok(c),
            [c[0], "c1", "GM0034", "2025-01", "10", "AMB"],
            [c[1], "c1", "GM0034", "2025-01", "10", "AMB"],
            [c[0], "c1", "GM0034", "2025-01", "11", "AMB"],
        ],
        ["bad.csv, rij 5, kolom 'Cliënt': dubbele regel", "als rij 3"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_rows_are_all_listed_and_nothing_is_written(
    tmp_path: Path, cfg: RegionConfig, codes: list[str], case: str
) -> None:
    make, expected = BAD_FILES[case]
    path = write_csv(tmp_path / "bad.csv", make(codes))
    before = table_counts()
    with pytest.raises(InvalidInput) as info:
        import_declarations(UnitOfWork(), cfg, path, AS_OF)
    for fragment in expected:
        assert fragment in str(info.value)
    assert table_counts() == before


FILE_LEVEL = {
    "missing-column": (
        lambda p, c: write_csv(
            p / "f.csv",
            [[c[0], "c1", "GM0034", "2025-01", "10"]],
            header=["AGB-code", "Cliënt", "Gemeente", "Periode", "Bedrag"],
        ),
        "f.csv, rij 1, kolom 'care_type': kolom ontbreekt",
    ),
    "empty-file": (lambda p, c: _write(p / "f.csv", b""), "f.csv: het bestand is leeg"),
    "header-only": (
        lambda p, c: write_csv(p / "f.csv", []),
        "f.csv: het bestand bevat geen gegevensregels",
    ),
    "wrong-encoding": (
        lambda p, c: write_csv(
            p / "f.csv", [[c[0], "Cliënt-é", "GM0034", "2025-01", "10", "AMB"]], encoding="latin-1"
        ),
        "f.csv, rij 1: het bestand is niet in UTF-8",
    ),
    "wrong-sheet": (
        lambda p, c: write_xlsx(
            p / "f.xlsx", [[c[0], "c1", "GM0034", "2025-01", 10, "AMB"]], sheet="Blad1"
        ),
        "f.xlsx: tabblad 'Declaraties' ontbreekt (gevonden: 'Blad1')",
    ),
    "not-excel": (
        lambda p, c: _write(p / "f.xlsx", b"AGB-code;Client\n1;2\n"),
        "f.xlsx: geen geldig Excel-bestand",
    ),
    "unsupported-type": (
        lambda p, c: _write(p / "f.txt", b"x"),
        "f.txt: onbekend bestandstype '.txt'",
    ),
    "ragged-row": (
        lambda p, c: _write(
            p / "f.csv",
            "AGB-code;Cliënt;Gemeente;Periode;Bedrag;Zorgvorm\n"
            f"{c[0]};c1;GM0034;2025-01;10;AMB;extra;veld\n".encode(),
        ),
        "f.csv, rij 2: onverwacht aantal velden",
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(FILE_LEVEL))
def test_unreadable_files_are_refused_and_nothing_is_written(
    tmp_path: Path, cfg: RegionConfig, codes: list[str], case: str
) -> None:
    make, expected = FILE_LEVEL[case]
    path = make(tmp_path, codes)
    before = table_counts()
    with pytest.raises(InvalidInput) as info:
        import_declarations(UnitOfWork(), cfg, path, AS_OF)
    assert expected in str(info.value)
    assert table_counts() == before


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_line_ends_of_any_system_read_alike(
    newline: str, tmp_path: Path, cfg: RegionConfig, codes: list[str]
) -> None:
    """Old-Mac (CR only), Windows and Unix line ends: the same rows, and a bad row is named
    by its own number."""
    lines = ["AGB-code;Cliënt;Gemeente;Periode;Bedrag;Zorgvorm"] + [
        ";".join(map(str, r)) for r in _good_rows(codes)
    ]
    path = tmp_path / "decl.csv"
    path.write_bytes(newline.join(lines).encode())
    assert import_declarations(UnitOfWork(), cfg, path, AS_OF).rows == 4
    lines[3] = lines[3].replace("99.95", "veel")
    path.write_bytes(newline.join(lines).encode())
    with pytest.raises(InvalidInput) as info:
        import_declarations(UnitOfWork(), cfg, path, AS_OF)
    assert "rij 4, kolom 'Bedrag'" in str(info.value)
