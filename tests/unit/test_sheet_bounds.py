"""Every .xlsx reader is bounded by what its kind of sheet can hold, checked from the zip
directory before a byte is parsed: hostile workbooks (padded shared strings, a million
empty rows, a zip bomb as a picture, a claimed range of millions of rows) are refused with
the file named, on every path: data sheets, minutes sheets, judged scores, the register and
its subcontracting tab, declarations. (Their cost is timed in bench/, not here.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from clm.documents.tabular import DATA_SHEET, REGISTER, check_workbook, read_table
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.services.subcontracting import parse_subcontract_sheet
from tests.hostile import HOSTILE, padded_strings, readers, workbook

KINDS = ["gegevensblad", "verslagblad", "beoordelingen", "contractregister", "declaraties"]


def _refusal(cfg: RegionConfig, folder: Path, kind: str, hostile: str) -> InvalidInput:
    """What the reader of ``kind`` says of its own valid workbook made ``hostile``."""
    valid, read = readers(cfg)[kind]
    path = folder / hostile
    path.write_bytes(HOSTILE[hostile](valid))
    with pytest.raises(InvalidInput) as refused:
        read(path)
    return refused.value


@pytest.mark.parametrize("hostile", sorted(HOSTILE))
@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_workbook_is_refused_on_every_path(
    cfg: RegionConfig, tmp_path: Path, kind: str, hostile: str
) -> None:
    assert _refusal(cfg, tmp_path, kind, hostile).problems[0].source == hostile


@pytest.mark.parametrize("hostile", ["gedeelde-teksten.xlsx", "zipbom-plaatje.xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_padding_is_refused_before_parsing_with_the_reason(
    cfg: RegionConfig, tmp_path: Path, kind: str, hostile: str
) -> None:
    message = _refusal(cfg, tmp_path, kind, hostile).problems[0].message
    assert "pakt uit" in message and "MB" in message, message


def test_a_subcontracting_tab_is_bounded_like_the_register(
    cfg: RegionConfig, tmp_path: Path
) -> None:
    path = tmp_path / "onderaanneming.xlsx"
    header = ["hoofdaannemer", "onderaannemer", "perceel", "vanaf"]
    path.write_bytes(padded_strings(workbook("Onderaanneming", header), megabytes=20))
    with pytest.raises(InvalidInput, match="pakt uit"):
        parse_subcontract_sheet(path, cfg, None, path.name)  # type: ignore[arg-type]


def test_a_sheet_within_its_kind_s_bounds_is_read(tmp_path: Path) -> None:
    # the bound is what the kind can hold: a register of thousands of rows is fine
    book = Workbook()
    book.active.title = "Contracten"
    book.active.append(["code"])
    for n in range(20_000):
        book.active.append([f"{n:08d}"])
    path = tmp_path / "groot.xlsx"
    book.save(path)
    check_workbook(path, path.name, REGISTER)
    assert len(read_table(path, {"code": ("code",)}, sheet="Contracten", bounds=REGISTER)) == 20_000
    with pytest.raises(InvalidInput, match="hooguit 1000"):
        read_table(path, {"code": ("code",)}, sheet="Contracten", bounds=DATA_SHEET)


def test_a_csv_beyond_its_kind_s_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lang.csv"
    path.write_text("code\n" + "\n".join(f"{n:08d}" for n in range(1_200)), encoding="utf-8")
    with pytest.raises(InvalidInput, match="1200 regels; een gegevensblad heeft er hooguit 1000"):
        read_table(path, {"code": ("code",)}, sheet="x", bounds=DATA_SHEET)
