"""The office documents sent with the data request: the draft agenda (.docx) and the data sheet
(.xlsx), made from shared package parts (clm.ooxml) and checked by opening them again."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from clm.documents.agenda_docx import agenda_docx
from clm.documents.datasheet import data_sheet_template
from clm.documents.ooxml import PackageBase
from clm.rules.agenda import AGENDA
from clm.rules.config import RegionConfig

START = datetime(2027, 4, 5, 9, 30)


def _context(name: str = "Zorg <b>&</b> Co", **changes: Any) -> dict[str, Any]:
    context = {
        "provider": SimpleNamespace(name=name, code="12345678", contact_name="Eva"),
        "meeting": SimpleNamespace(location="Zaal 1", location_url="", quarter="2027-Q1"),
        "starts_local": START,
        "ends_local": START + timedelta(minutes=75),
        "region_attendees": ["Marieke Jansen (contractmanager, voorzitter)"],
        "agenda": AGENDA,
        "final": False,
        "previous": date(2027, 1, 12),
        "open_actions": ["Wachtlijst aanleveren (aanbieder, 01-03-2027)"],
        "points": ["Inzet ambulante hulp"],
        "signals": ["01-03-2027 (toegang): Klachten over bejegening"],
    }
    return context | changes


def _text(package: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    doc = Document(io.BytesIO(package))
    lines = [p.text for p in doc.paragraphs]
    lines += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def test_draft_agenda_shows_the_meeting_and_every_item() -> None:
    package = agenda_docx(_context())
    assert zipfile.ZipFile(io.BytesIO(package)).testzip() is None
    text = _text(package)
    assert "Conceptagenda contractmanagementgesprek" in text
    assert "Zorg <b>&</b> Co (AGB 12345678)" in text  # text, not markup
    assert "maandag 5 april 2027, 09:30–10:45 uur" in text
    for item in AGENDA:
        assert f"{item.number}. {item.title}" in text
    for note in (
        "Vorig gesprek: 12 januari 2027.",
        "– Wachtlijst aanleveren (aanbieder, 01-03-2027)",
        "– Inzet ambulante hulp",
        "– 01-03-2027 (toegang): Klachten over bejegening",
    ):
        assert note in text
    doc = Document(io.BytesIO(package))
    assert doc.styles["Normal"].font.size == Pt(10)
    assert doc.tables[1].style.name == "Table Grid"


def test_each_agenda_starts_blank() -> None:
    """The document is reused for speed: nothing of one agenda may reach the next."""
    agenda_docx(_context("Eerste Zorg BV"))
    text = _text(
        agenda_docx(
            _context("Tweede Zorg BV", previous=None, open_actions=[], points=[], signals=[])
        )
    )
    assert "Eerste Zorg" not in text and "aanleveren (aanbieder" not in text
    assert "bejegening" not in text and "Inzet ambulante" not in text
    assert "Geen eerder gesprek vastgelegd. Geen openstaande actiepunten." in text
    assert "Punten kunt u aanleveren tot de definitieve agenda." in text
    assert text.count("Conceptagenda contractmanagementgesprek") == 1


def test_agendas_made_in_parallel_threads_keep_their_own_content() -> None:
    names = [f"Aanbieder {i}" for i in range(24)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        packages = list(pool.map(lambda n: agenda_docx(_context(n)), names))
    for name, package in zip(names, packages, strict=True):
        text = _text(package)
        assert f"{name} (AGB" in text
        assert sum(f"{other} (AGB" in text for other in names) == 1


@pytest.mark.parametrize(
    "text", ["Zorg & <Co>", "  Spaties rondom  ", "Zorg ‘Ünïcode’ BV", "Tab\there", "Twee\nregels"]
)
def test_draft_agenda_keeps_what_was_written(text: str) -> None:
    """The body is written as XML text: markup characters, spaces at either end, tabs and line
    breaks come out as written, in a name and in a provider's discussion point alike."""
    doc = Document(io.BytesIO(agenda_docx(_context(text, points=[text]))))
    assert doc.tables[0].rows[0].cells[1].text == f"{text} (AGB 12345678)"
    topics = [row.cells[0].text for row in doc.tables[1].rows]
    assert any(topic.endswith(f"– {text}") for topic in topics)


def test_draft_agenda_refuses_a_control_character() -> None:
    with pytest.raises(ValueError, match="stuurteken"):
        agenda_docx(_context("Zorg\x07 BV"))


@pytest.mark.parametrize("name", ["Zorg & <Co>", "  Spaties rondom  ", "Zorg ‘Ünïcode’ BV"])
def test_data_sheet_keeps_the_provider_as_written(cfg: RegionConfig, name: str) -> None:
    package = data_sheet_template("12345678", name, "2027-Q1", cfg.sheet_kpis)
    ws = load_workbook(io.BytesIO(package))["Gegevens"]
    assert (ws["B1"].value, ws["B2"].value, ws["B3"].value) == ("12345678", name, "2027-Q1")
    rows = list(ws.iter_rows(min_row=6, max_col=4, values_only=True))
    assert [r[0] for r in rows] == [k.code for k in cfg.sheet_kpis]
    assert [r[3] for r in rows] == [k.norm_for(2027) for k in cfg.sheet_kpis]
    assert ws.data_validations.dataValidation[0].sqref is not None
    assert ws["E6"].fill.fgColor.rgb.endswith("FFF2CC")  # the cells to fill in


def test_data_sheet_of_another_quarter_has_its_own_norms(cfg: RegionConfig) -> None:
    first = load_workbook(io.BytesIO(data_sheet_template("1", "A", "2025-Q1", cfg.sheet_kpis)))
    later = load_workbook(io.BytesIO(data_sheet_template("1", "A", "2027-Q1", cfg.sheet_kpis)))
    assert first["Gegevens"]["B3"].value == "2025-Q1"
    assert later["Gegevens"]["B3"].value == "2027-Q1"
    norms = [
        [r[0] for r in wb["Gegevens"].iter_rows(min_row=6, min_col=4, max_col=4, values_only=True)]
        for wb in (first, later)
    ]
    assert norms == [[k.norm_for(year) for k in cfg.sheet_kpis] for year in (2025, 2027)]


def test_data_sheet_refuses_control_characters(cfg: RegionConfig) -> None:
    with pytest.raises(ValueError, match="stuurteken"):
        data_sheet_template("12345678", "Zorg\x07BV", "2027-Q1", cfg.sheet_kpis)


def test_package_base_completes_only_its_variable_parts() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("part.xml", "<old/>")
    base = PackageBase(out.getvalue(), {"part.xml"})
    assert base.originals == {"part.xml": b"<old/>"}
    done = zipfile.ZipFile(io.BytesIO(base.complete({"part.xml": b"<new/>"})))
    assert done.namelist() == ["[Content_Types].xml", "part.xml"]
    assert done.read("part.xml") == b"<new/>"
    with pytest.raises(ValueError, match="expected the parts"):
        base.complete({"other.xml": b""})
    with pytest.raises(ValueError, match="no part"):
        PackageBase(out.getvalue(), {"missing.xml"})


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","klik")', "+31 20 1234", "@SUM(A1)", "-1+1"]
)
def test_sheets_the_product_writes_keep_text_as_text(cfg: RegionConfig, name: str) -> None:
    """A provider name that looks like a formula stays text in every workbook the product
    writes (openpyxl would make it a live formula)."""
    import io

    from openpyxl import load_workbook

    from clm.documents.minutes_sheet import minutes_template

    minutes = load_workbook(io.BytesIO(minutes_template("12345678", name, "2027-04")))
    cell = minutes.worksheets[0]["B2"]
    assert (cell.value, cell.data_type) == (name, "s")
    sheet = load_workbook(
        io.BytesIO(data_sheet_template("12345678", name, "2027-Q1", cfg.sheet_kpis))
    )
    cell = sheet["Gegevens"]["B2"]
    assert (cell.value, cell.data_type) == (name, "s")
