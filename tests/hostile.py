"""Hostile .xlsx files, small on disk and costly to parse: for the bounds tests and bench/."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _rebuilt(
    book: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None
) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(book)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            content = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(info.filename, content)
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


def padded_strings(book: bytes, megabytes: int = 40) -> bytes:
    """``book`` with a shared-strings part of one string padded out to ``megabytes``."""
    text = b"A" * (megabytes * 1024**2)
    part = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + text + b"</t></si></sst>"
    )
    return _rebuilt(book, {"xl/sharedStrings.xml": part})


def endless_rows(book: bytes, rows: int = 1_500_000) -> bytes:
    """``book`` whose first sheet has ``rows`` empty rows after its own."""
    with zipfile.ZipFile(io.BytesIO(book)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    filler = b"".join(b'<row r="%d"/>' % n for n in range(10_000, 10_000 + rows))
    sheet = sheet.replace(b"</sheetData>", filler + b"</sheetData>")
    return _rebuilt(book, {}, {"xl/worksheets/sheet1.xml": sheet})


def packed_picture(book: bytes, megabytes: int = 40) -> bytes:
    """``book`` with a 'picture' of ``megabytes`` of zeros (a zip bomb in a media part)."""
    return _rebuilt(book, {"xl/media/image1.png": b"\0" * (megabytes * 1024**2)})


def claimed_dimension(book: bytes, rows: int = 5_000_000) -> bytes:
    """``book`` whose first sheet claims ``rows`` rows in its dimension tag."""
    with zipfile.ZipFile(io.BytesIO(book)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml")
    start = sheet.find(b"<dimension")
    if start >= 0:
        end = sheet.find(b"/>", start) + 2
        sheet = sheet[:start] + b'<dimension ref="A1:F%d"/>' % rows + sheet[end:]
    else:
        sheet = sheet.replace(b"<sheetData", b'<dimension ref="A1:F%d"/><sheetData' % rows, 1)
    return _rebuilt(book, {}, {"xl/worksheets/sheet1.xml": sheet})


HOSTILE = {
    "gedeelde-teksten.xlsx": padded_strings,
    "eindeloze-regels.xlsx": endless_rows,
    "zipbom-plaatje.xlsx": packed_picture,
    "opgeblazen-bereik.xlsx": claimed_dimension,
}


def workbook(sheet: str, header: list[str]) -> bytes:
    """A small valid workbook: one tab ``sheet`` with ``header`` and one row."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = sheet
    book.active.append(header)
    book.active.append(["x"] * len(header))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CODE = "12345678"


def readers(cfg: Any) -> dict[str, tuple[bytes, Callable[[Path], object]]]:  # noqa: ANN401
    """Per .xlsx path of the product a valid workbook of its kind and the reader it uses."""
    from clm.documents.datasheet import data_sheet_template, parse_data_sheet
    from clm.documents.declarations import parse_declarations
    from clm.documents.minutes_sheet import minutes_template, parse_minutes_sheet
    from clm.services.contracts import parse_contract_sheet
    from clm.services.judged import parse_judged_sheet

    return {
        "gegevensblad": (
            data_sheet_template(CODE, "x", "2027-Q1", cfg.sheet_kpis),
            lambda p: parse_data_sheet(p, cfg.sheet_kpis, {CODE}, p.name),
        ),
        "verslagblad": (
            minutes_template(CODE, "x", "2027-04"),
            lambda p: parse_minutes_sheet(p, p.name),
        ),
        "beoordelingen": (
            workbook("Beoordeling", ["AGB-code", "Specialisatie", "Informatie", "Politiek belang"]),
            lambda p: parse_judged_sheet(p, {CODE}, p.name),
        ),
        "contractregister": (
            workbook("Contracten", ["AGB-code", "raamovereenkomst", "perceel", "ingangsdatum"]),
            lambda p: parse_contract_sheet(p, cfg, {CODE}, p.name),
        ),
        "declaraties": (
            workbook("Declaraties", ["AGB-code", "cliënt", "gemeente", "periode", "bedrag"]),
            lambda p: parse_declarations(
                p,
                provider_codes={CODE},
                municipality_codes={"GM0034"},
                care_type_codes={"AMB"},
                source=p.name,
            ),  # fmt: skip
        ),
    }
