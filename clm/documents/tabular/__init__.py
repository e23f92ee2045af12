"""Reading a CSV or Excel sheet into text columns, with errors that name file, row and column,
one concern per module: bounds (how large each kind of sheet may be, checked before it is read),
reading (the sheet read into text columns), problems (the errors collected per row), layout
(what the sheets we write share: cells, print set-up, row heights, protection).

Shared by every import (declarations, judged scores, the register): the caller states which
logical columns it needs and which headers (Dutch or English, any case) stand for them."""

from .bounds import (
    DATA_SHEET,
    DECLARATIONS,
    JUDGED_SHEET,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_PACKING,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MINUTES_SHEET,
    REGISTER,
    SheetBounds,
    check_size,
    check_workbook,
)
from .layout import (
    LINE_POINTS,
    fit_row_heights,
    print_setup,
    protect_layout,
    wrapped_lines,
    write_cell,
)
from .problems import ProblemCollector
from .reading import (
    HEADER_ROW,
    cell_text,
    has_sheet,
    normalise_header,
    open_workbook,
    read_table,
    sheet_rows,
)

__all__ = [
    "DATA_SHEET",
    "DECLARATIONS",
    "HEADER_ROW",
    "JUDGED_SHEET",
    "LINE_POINTS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_PACKING",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MINUTES_SHEET",
    "ProblemCollector",
    "REGISTER",
    "SheetBounds",
    "cell_text",
    "check_size",
    "check_workbook",
    "fit_row_heights",
    "has_sheet",
    "normalise_header",
    "open_workbook",
    "print_setup",
    "protect_layout",
    "read_table",
    "sheet_rows",
    "wrapped_lines",
    "write_cell",
]
