"""The provider's data sheet: an .xlsx template generated from the KPI config, and the
validation of a filled-in sheet (errors name the file, row and column; nothing is stored)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from clm.documents.ooxml import PackageBase, xml_text
from clm.documents.tabular import (
    DATA_SHEET,
    LINE_POINTS,
    cell_text,
    fit_row_heights,
    open_workbook,
    print_setup,
    protect_layout,
    sheet_rows,
    wrapped_lines,
    write_cell,
)
from clm.errors import InputProblem, InvalidInput
from clm.rules.config import Kpi
from clm.rules.inputs import parse_decimal

SHEET = "Gegevens"
HEADER_ROW = 5
COLUMNS = ("Code", "Indicator", "Eenheid", "Norm", "Waarde", "Toelichting")
_QUARTER = re.compile(r"^[0-9]{4}-Q[1-4]$")
VALUE_PLACES, VALUE_DIGITS = 4, 10  # the column: Numeric(14, 4)
_SHEET_PART = "xl/worksheets/sheet1.xml"
_CODE, _NAME = "@@AGB-CODE@@", "@@AANBIEDER@@"  # stand-ins in the shared sheet
_NAME_HEIGHT = 15.0123  # stand-in for the height of the provider's row, set per provider
_WIDTHS = (50, 12, 8, 12, 45)  # columns B to F; A is as wide as its longest code
ORGANISATION_MARK = "@"  # 'ervaringsdeskundigen@12345678': a subcontractor's own figure


def data_sheet_template(
    provider_code: str,
    provider_name: str,
    quarter: str,
    kpis: list[Kpi],
    subcontractors: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """An .xlsx with the provider, the quarter and one row per KPI to fill in; for a main
    contractor also a row per subcontractor (AGB code, name) of each KPI per organisation,
    coded 'kpi@AGB'."""
    rows = [(k.code, k.label, k.unit, k.norm_for(quarter)) for k in kpis]
    rows += [
        (
            f"{k.code}{ORGANISATION_MARK}{code}",
            f"{k.label}, onderaannemer {name} ({code})",
            k.unit,
            k.norm_for(quarter),
        )  # fmt: skip
        for k in kpis
        if k.per_organisation
        for code, name in subcontractors
    ]
    base, sheet = _sheet_base(quarter, tuple(rows))
    for placeholder, value in ((_CODE, provider_code), (_NAME, provider_name)):
        # The placeholders are written without spaces, so openpyxl gave them a bare <t>.
        sheet = sheet.replace(
            f"<t>{placeholder}</t>", f'<t xml:space="preserve">{xml_text(value)}</t>', 1
        )
    height = wrapped_lines(provider_name, sum(_WIDTHS)) * LINE_POINTS  # the name spans B–F
    sheet = sheet.replace(f'ht="{_NAME_HEIGHT}"', f'ht="{height:g}"', 1)
    return base.complete({_SHEET_PART: sheet.encode("utf-8")})


@lru_cache(maxsize=16)
def _sheet_base(
    quarter: str, rows: tuple[tuple[str, str, str, float | None], ...]
) -> tuple[PackageBase, str]:
    """The sheet of one quarter and KPI set, with placeholders for the provider; built once
    and completed per provider (a thousand sheets in a preparation differ in two cells)."""
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    bold = Font(name="Calibri", bold=True)  # named: without it LibreOffice takes a serif
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, (label, value) in enumerate(
        [("AGB-code", _CODE), ("Aanbieder", _NAME), ("Kwartaal", quarter)], 1
    ):
        write_cell(ws, row, 1, label).font = bold
        write_cell(ws, row, 2, value).alignment = wrap
    ws.merge_cells("B2:F2")  # a long name wraps over the width of the table
    ws.row_dimensions[2].height = _NAME_HEIGHT
    for col, title in enumerate(COLUMNS, 1):
        write_cell(ws, HEADER_ROW, col, title).font = bold
    fill = PatternFill("solid", fgColor="FFF2CC")
    for row, (code, label, unit, norm) in enumerate(rows, HEADER_ROW + 1):
        write_cell(ws, row, 1, code).alignment = wrap
        write_cell(ws, row, 2, label).alignment = wrap
        write_cell(ws, row, 3, unit).alignment = wrap
        write_cell(ws, row, 4, norm).alignment = Alignment(vertical="top")
        for col in (5, 6):  # the provider's cells: value and remark
            cell = ws.cell(row, col)
            cell.fill, cell.alignment = fill, wrap
            cell.protection = Protection(locked=False)
    check = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
    )
    check.add(f"E{HEADER_ROW + 1}:E{HEADER_ROW + len(rows)}")
    ws.add_data_validation(check)
    # the code column as wide as its longest code ('kpi@AGB' of a subcontractor included)
    code_width = max([12, *(len(code) + 2 for code, *_ in rows)])
    for col, width in zip("ABCDEF", (code_width, *_WIDTHS), strict=True):
        ws.column_dimensions[col].width = width
    fit_row_heights(ws, range(HEADER_ROW + 1, HEADER_ROW + len(rows) + 1))
    print_setup(ws, header_row=HEADER_ROW, footer=f"Gegevensblad {quarter}")
    protect_layout(ws)
    out = io.BytesIO()
    book.save(out)
    base = PackageBase(out.getvalue(), {_SHEET_PART})
    return base, base.originals[_SHEET_PART].decode("utf-8")


@dataclass(frozen=True)
class DataSheet:
    """A validated data sheet: whose, which quarter, and the value per KPI (None: empty)."""

    provider_code: str
    quarter: str
    values: dict[str, Decimal | None]
    remarks: dict[str, str]
    # a subcontractor's own figure of a KPI per organisation: (its AGB code, KPI) → value
    organisation_values: dict[tuple[str, str], Decimal | None] = field(default_factory=dict)


def parse_data_sheet(
    path: Path,
    kpis: list[Kpi],
    provider_codes: set[str],
    source: str | None = None,
    subcontractors: dict[str, set[str]] | None = None,
) -> DataSheet:
    """Read and validate a filled-in data sheet, or raise :class:`InvalidInput`.
    ``subcontractors``: per main contractor the AGB codes whose rows 'kpi@AGB' it may fill."""
    source = source or path.name
    book = open_workbook(path, source, "Gegevensblad niet leesbaar", DATA_SHEET)
    if SHEET not in book.sheetnames:
        found = ", ".join(f"'{n}'" for n in book.sheetnames)
        raise InvalidInput.one(
            source, f"tabblad '{SHEET}' ontbreekt (gevonden: {found})", title="Verkeerd tabblad"
        )
    try:
        rows = sheet_rows(book, SHEET, source, DATA_SHEET)
    finally:
        book.close()
    problems: list[InputProblem] = []

    def value_at(r: int, c: int) -> object:
        row = rows[r - 1] if len(rows) >= r else ()
        return row[c - 1] if len(row) >= c else None

    def cell(r: int, c: int) -> str:
        return cell_text(value_at(r, c))

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
    organisation_values: dict[tuple[str, str], Decimal | None] = {}
    remarks: dict[str, str] = {}
    present: set[str] = set()  # rows there, whether their value was good or not
    for r in range(HEADER_ROW + 1, len(rows) + 1):
        kpi_code, raw = cell(r, 1), cell(r, 5)
        if not kpi_code and not raw:
            continue
        kpi_code, _, organisation = kpi_code.partition(ORGANISATION_MARK)
        if organisation:
            own = (subcontractors or {}).get(code, set())
            if organisation not in own or not (k := known.get(kpi_code)) or not k.per_organisation:
                problems.append(
                    InputProblem(
                        source,
                        f"regel '{kpi_code}{ORGANISATION_MARK}{organisation}' "
                        f"hoort niet bij dit blad: {organisation} is geen onderaannemer "
                        f"van {code}, of '{kpi_code}' is geen cijfer per organisatie",
                        row=r,
                        column="Code",
                    )  # fmt: skip
                )
                continue
        kpi = known.get(kpi_code)
        if kpi is None:
            problems.append(
                InputProblem(source, f"onbekende indicator '{kpi_code}'", row=r, column="Code")
            )
            continue
        row_key = f"{kpi_code}{ORGANISATION_MARK}{organisation}" if organisation else kpi_code
        if row_key in present:
            problems.append(
                InputProblem(
                    source, f"indicator '{row_key}' staat er dubbel in", row=r, column="Code"
                )
            )
            continue
        present.add(row_key)
        target = (
            organisation_values if organisation else values  # type: ignore[assignment]
        )
        slot: object = (organisation, kpi_code) if organisation else kpi_code
        if not organisation:
            remarks[kpi_code] = cell(r, 6)
        if raw == "":
            target[slot] = None  # not delivered: shown as 'geen gegevens'
            continue
        try:
            number = parse_decimal(
                value_at(r, 5), places=VALUE_PLACES, max_integer_digits=VALUE_DIGITS
            )
        except ValueError as exc:
            problems.append(InputProblem(source, str(exc), row=r, column="Waarde"))
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
        target[slot] = number
    # a row with a bad value was named above; only rows that are not there are missing
    missing = [k.code for k in kpis if k.code not in present]
    if missing:
        problems.append(
            InputProblem(source, "indicatoren ontbreken: " + ", ".join(missing), column="Code")
        )
    filled = [v for v in (*values.values(), *organisation_values.values()) if v is not None]
    if not problems and not filled and not any(remarks.values()):
        # the sheet as it was sent: nothing delivered, so the request stays open
        first, last = HEADER_ROW + 1, max(HEADER_ROW + 1, len(rows))
        problems.append(
            InputProblem(
                source,
                f"geen enkel cijfer ingevuld (kolom Waarde, regels {first}–{last}): vul de "
                "cijfers in, of zet bij een cijfer dat u niet heeft in de kolom Toelichting "
                "waarom; de uitvraag blijft openstaan",
                column="Waarde",
            )
        )
    if problems:
        raise InvalidInput(problems, "Gegevensblad afgekeurd, er is niets opgeslagen")
    return DataSheet(code, quarter, values, remarks, organisation_values)
