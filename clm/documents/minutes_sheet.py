"""Minutes on paper: an .xlsx template per meeting that the support officer fills in, and
the reading of a filled-in one (errors name the file, sheet, row and column)."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from clm.documents.tabular import (
    MINUTES_SHEET,
    fit_row_heights,
    open_workbook,
    print_setup,
    sheet_rows,
    write_cell,
)
from clm.errors import InputProblem, InvalidInput
from clm.rules.agenda import AGENDA, AgendaItem
from clm.rules.inputs import check_date
from clm.rules.minutes import ActionDraft, ItemDraft, MinutesDraft

MINUTES, ACTIONS = "Verslag", "Actiepunten"
ITEM_HEADER = ("Agendapunt", "Onderwerp", "Besproken", "Besloten")
ACTION_HEADER = ("Agendapunt", "Wat", "Kant (aanbieder/regio)", "Actiehouder", "Deadline")
SIDES = {"aanbieder": "provider", "regio": "region", "provider": "provider", "region": "region"}


def minutes_template(
    provider_code: str,
    provider_name: str,
    month: str,
    agenda: tuple[AgendaItem, ...] = AGENDA,
) -> bytes:
    """A blank minutes sheet for one meeting: every agenda (sub)item, and an actions sheet."""
    book = Workbook()
    ws = book.active
    ws.title = MINUTES
    bold = Font(name="Calibri", bold=True)  # named: without it LibreOffice takes a serif
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, (label, value) in enumerate(
        [
            ("AGB-code", provider_code),
            ("Aanbieder", provider_name),
            ("Gespreksmaand", month),
            ("Aanwezigen", ""),
        ],
        1,
    ):
        write_cell(ws, row, 1, label).font = bold
        write_cell(ws, row, 2, value).alignment = wrap
    for col, title in enumerate(ITEM_HEADER, 1):
        write_cell(ws, 6, col, title).font = bold
    row = 7
    for item in agenda:
        write_cell(ws, row, 1, item.number).alignment = wrap
        write_cell(ws, row, 2, item.title).alignment = wrap
        row += 1
        for letter, sub in zip("abcdefgh", item.subitems, strict=False):
            write_cell(ws, row, 1, f"{item.number}{letter}").alignment = wrap
            write_cell(ws, row, 2, sub).alignment = wrap
            row += 1
    for r in range(7, row):  # what the support officer writes wraps in its cell
        ws.cell(r, 3).alignment = ws.cell(r, 4).alignment = wrap
    # column A holds the labels above the table ('Gespreksmaand' in bold) as well
    for col, width in zip("ABCD", (16, 45, 55, 40), strict=True):
        ws.column_dimensions[col].width = width
    fit_row_heights(ws, range(1, row))
    print_setup(ws, header_row=6, footer=f"Verslag {provider_code} {month}")
    actions = book.create_sheet(ACTIONS)
    for col, title in enumerate(ACTION_HEADER, 1):
        write_cell(actions, 1, col, title).font = bold
    for col, width in zip("ABCDE", (12, 50, 22, 30, 12), strict=True):
        actions.column_dimensions[col].width = width
    print_setup(actions, header_row=1, footer=f"Actiepunten {provider_code} {month}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def parse_minutes_sheet(path: Path, source: str | None = None) -> tuple[str, str, MinutesDraft]:
    """Read a filled-in minutes sheet: (provider code, month 'YYYY-MM', draft)."""
    source = source or path.name
    book = open_workbook(path, source, "Verslag niet leesbaar", MINUTES_SHEET)
    missing = [n for n in (MINUTES, ACTIONS) if n not in book.sheetnames]
    if missing:
        raise InvalidInput(
            [InputProblem(source, f"tabblad '{n}' ontbreekt") for n in missing], "Verkeerd bestand"
        )
    try:
        rows = sheet_rows(book, MINUTES, source, MINUTES_SHEET)
        action_rows = sheet_rows(book, ACTIONS, f"{source} [{ACTIONS}]", MINUTES_SHEET)[1:]
    finally:
        book.close()

    def cell(r: int, c: int) -> str:
        return _text(rows[r - 1][c - 1]) if len(rows) >= r and len(rows[r - 1]) >= c else ""

    code, month = cell(1, 2), cell(3, 2)
    attendees = [a.strip() for a in cell(4, 2).replace(";", ",").split(",") if a.strip()]
    problems = []
    if tuple(cell(6, c) for c in range(1, 5)) != ITEM_HEADER:
        problems.append(
            InputProblem(f"{source} [{MINUTES}]", "kopregel gewijzigd; gebruik het sjabloon", row=6)
        )
    items = [
        ItemDraft(cell(r, 1), cell(r, 3), cell(r, 4))
        for r in range(7, len(rows) + 1)
        if cell(r, 1) and (cell(r, 3) or cell(r, 4))
    ]
    actions = []
    for r, values in enumerate(action_rows, 2):
        values = [*values, None, None, None, None, None][:5]
        if not any(_text(v) for v in values):
            continue
        item, what, side, owner, deadline = values
        where = f"{source} [{ACTIONS}]"
        if _text(side).lower() not in SIDES:
            problems.append(
                InputProblem(
                    where, "kant moet 'aanbieder' of 'regio' zijn", row=r, column=ACTION_HEADER[2]
                )
            )
        when: date | None = None
        problem = ""
        if isinstance(deadline, datetime):
            when = deadline.date()
        elif isinstance(deadline, date):
            when = deadline
        elif _text(deadline):
            try:
                when = date.fromisoformat(_text(deadline))
            except ValueError:
                problem = f"'{_text(deadline)}' is geen datum"
        if when is not None:
            try:
                check_date(when)
            except ValueError as exc:
                problem = str(exc)
        if problem:
            problems.append(InputProblem(where, problem, row=r, column=ACTION_HEADER[4]))
            continue
        actions.append(
            ActionDraft(
                _text(item),
                _text(what),
                SIDES.get(_text(side).lower(), ""),
                _text(owner),
                when,
                row=r,
            )
        )
    if problems:
        raise InvalidInput(problems, "Verslag afgekeurd, er is niets opgeslagen")
    return code, month, MinutesDraft(attendees, items, actions)
