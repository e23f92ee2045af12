"""What the sheets we write share: a cell written as text, the print set-up, row heights that
fit wrapped text, the layout protected with the input cells open."""

from __future__ import annotations

from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# Calibri 11, the default font of the sheets: a column of width w holds about 1.1·w
# characters of ordinary text, and a line is 15 points high.
_CHARS_PER_WIDTH, LINE_POINTS = 1.1, 15.0


def write_cell(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Put ``value`` in a sheet the product writes, text always as text: openpyxl makes a
    string that starts with '=' a live formula (a provider named '=HYPERLINK(…)' would
    run in the contract manager's Excel)."""
    cell = ws.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def print_setup(ws: Worksheet, *, header_row: int, footer: str) -> None:
    """Printed as one reads it: A4 landscape, every column on one page wide, the header row
    again at the top of each page, grid lines, and the page number below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.gridLines = True  # on paper the cells to fill in are boxes
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.left.text = footer
    ws.oddFooter.right.text = "pagina &P van &N"


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column of ``width`` when wrapped at spaces."""
    per_line = max(1, int(width * _CHARS_PER_WIDTH) - 1)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split(" "):
            if used and used + 1 + len(word) > per_line:
                lines, used = lines + 1, 0
            used += (1 if used else 0) + len(word)
            while used > per_line:  # a word longer than the line is broken by the program
                lines, used = lines + 1, used - per_line
    return lines


def fit_row_heights(ws: Worksheet, rows: range) -> None:
    """Row heights for the wrapped text in ``rows``: Excel and LibreOffice keep a row one
    line high when the file does not say otherwise, and the wrapped lines overlap the next."""
    for row in rows:
        lines = max(
            (
                wrapped_lines(cell.value, ws.column_dimensions[cell.column_letter].width or 8.43)
                for cell in ws[row]
                if isinstance(cell.value, str) and cell.alignment.wrap_text
            ),
            default=1,
        )
        if lines > 1:
            ws.row_dimensions[row].height = lines * LINE_POINTS


def protect_layout(ws: Worksheet) -> None:
    """Only the cells marked unlocked can be changed (no password: it guards the layout the
    intake reads against slips, not against intent); columns and rows may still be resized
    to read a long text."""
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False
