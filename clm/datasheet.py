"""The provider's data sheet: an .xlsx template generated from the KPI config, and the
validation of a filled-in sheet (errors name the file, row and column; nothing is stored)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from clm.config import Kpi
from clm.errors import InputProblem, InvalidInput

SHEET = "Gegevens"
HEADER_ROW = 5
COLUMNS = ("Code", "Indicator", "Eenheid", "Norm", "Waarde", "Toelichting")
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")


def data_sheet_template(
    provider_code: str, provider_name: str, quarter: str, kpis: list[Kpi]
) -> bytes:
    """An .xlsx with the provider, the quarter and one row per KPI to fill in."""
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    bold = Font(bold=True)
    for row, (label, value) in enumerate(
        [("AGB-code", provider_code), ("Aanbieder", provider_name), ("Kwartaal", quarter)], 1
    ):
        ws.cell(row, 1, label).font = bold
        ws.cell(row, 2, value)
    for col, title in enumerate(COLUMNS, 1):
        ws.cell(HEADER_ROW, col, title).font = bold
    fill = PatternFill("solid", fgColor="FFF2CC")
    for row, kpi in enumerate(kpis, HEADER_ROW + 1):
        ws.cell(row, 1, kpi.code)
        ws.cell(row, 2, kpi.label)
        ws.cell(row, 3, kpi.unit)
        ws.cell(row, 4, kpi.norm_for(int(quarter[:4])))
        ws.cell(row, 5).fill = fill
    check = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
    )
    check.add(f"E{HEADER_ROW + 1}:E{HEADER_ROW + len(kpis)}")
    ws.add_data_validation(check)
    for col, width in zip("ABCDEF", (22, 60, 12, 8, 12, 50), strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class DataSheet:
    """A validated data sheet: whose, which quarter, and the value per KPI (None: empty)."""

    provider_code: str
    quarter: str
    values: dict[str, Decimal | None]
    remarks: dict[str, str]


def parse_data_sheet(
    path: Path, kpis: list[Kpi], provider_codes: set[str], source: str | None = None
) -> DataSheet:
    """Read and validate a filled-in data sheet, or raise :class:`InvalidInput`."""
    source = source or path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput(
            [InputProblem(source, f"geen geldig Excel-bestand (.xlsx): {exc}")],
            "Gegevensblad niet leesbaar",
        ) from None
    if SHEET not in book.sheetnames:
        found = ", ".join(f"'{n}'" for n in book.sheetnames)
        raise InvalidInput(
            [InputProblem(source, f"tabblad '{SHEET}' ontbreekt (gevonden: {found})")],
            "Verkeerd tabblad",
        )
    rows = list(book[SHEET].iter_rows(values_only=True))
    problems: list[InputProblem] = []

    def cell(r: int, c: int) -> str:
        row = rows[r - 1] if len(rows) >= r else ()
        value = row[c - 1] if len(row) >= c else None
        return "" if value is None else str(value).strip()

    code, quarter = cell(1, 2), cell(3, 2)
    if code not in provider_codes:
        problems.append(
            InputProblem(source, f"onbekende aanbieder '{code}' (cel B1)", row=1, column="AGB-code")
        )
    if not _QUARTER.match(quarter):
        problems.append(
            InputProblem(
                source,
                f"ongeldig kwartaal '{quarter}' (verwacht bijv. 2027-Q1, cel B3)",
                row=3,
                column="Kwartaal",
            )
        )
    header = tuple(cell(HEADER_ROW, c) for c in range(1, len(COLUMNS) + 1))
    if header != COLUMNS:
        problems.append(
            InputProblem(
                source, "kopregel gewijzigd; gebruik het meegestuurde sjabloon", row=HEADER_ROW
            )
        )
        raise InvalidInput(problems, "Gegevensblad afgekeurd, er is niets opgeslagen")

    known = {k.code: k for k in kpis}
    values: dict[str, Decimal | None] = {}
    remarks: dict[str, str] = {}
    for r in range(HEADER_ROW + 1, len(rows) + 1):
        kpi_code, raw = cell(r, 1), cell(r, 5)
        if not kpi_code and not raw:
            continue
        kpi = known.get(kpi_code)
        if kpi is None:
            problems.append(
                InputProblem(source, f"onbekende indicator '{kpi_code}'", row=r, column="Code")
            )
            continue
        if kpi_code in values:
            problems.append(
                InputProblem(
                    source, f"indicator '{kpi_code}' staat er dubbel in", row=r, column="Code"
                )
            )
            continue
        remarks[kpi_code] = cell(r, 6)
        if raw == "":
            values[kpi_code] = None  # not delivered: shown as 'geen gegevens'
            continue
        try:
            number = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            problems.append(InputProblem(source, f"'{raw}' is geen getal", row=r, column="Waarde"))
            continue
        if number < Decimal(str(kpi.minimum)) or (
            kpi.maximum is not None and number > Decimal(str(kpi.maximum))
        ):
            upper = "" if kpi.maximum is None else f" t/m {kpi.maximum:g}"
            problems.append(
                InputProblem(
                    source,
                    f"{raw} valt buiten het bereik {kpi.minimum:g}{upper} ({kpi.unit})",
                    row=r,
                    column="Waarde",
                )
            )
            continue
        values[kpi_code] = number
    missing = [k.code for k in kpis if k.code not in values]
    if missing:
        problems.append(
            InputProblem(source, "indicatoren ontbreken: " + ", ".join(missing), column="Code")
        )
    if problems:
        raise InvalidInput(problems, "Gegevensblad afgekeurd, er is niets opgeslagen")
    return DataSheet(code, quarter, values, remarks)
