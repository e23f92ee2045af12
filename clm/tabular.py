"""Reading a CSV or Excel sheet into text columns, with errors that name file, row and column.

Shared by every import (declarations, judged scores): the caller states which logical columns
it needs and which headers (Dutch or English, any case) stand for them.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from clm.errors import InputProblem, InvalidInput

HEADER_ROW = 1  # data rows are numbered as a spreadsheet shows them: the first is row 2


def normalise_header(name: object) -> str:
    """Lowercase, accents and punctuation removed: 'Cliënt-ID' → 'clientid'."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel hands whole numbers (codes) back as floats
    if hasattr(value, "date") and hasattr(value, "year"):
        return value.date().isoformat() if callable(value.date) else str(value)
    return str(value).strip()


def _read_csv(path: Path, source: str) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInput.one(
            source,
            "het bestand is niet in UTF-8 opgeslagen (tekencodering); sla het op als 'CSV UTF-8'",
            row=line,
            title="Bestand niet leesbaar",
        ) from None
    first_line = text.split("\n", 1)[0]
    sep = max((";", ",", "\t"), key=first_line.count)
    records = list(csv.reader(io.StringIO(text), delimiter=sep))
    if not records:
        raise InvalidInput.one(source, "het bestand is leeg", title="Leeg bestand")
    header, body = records[0], records[1:]
    ragged = [
        InputProblem(
            source,
            f"onverwacht aantal velden: {len(r)} in plaats van {len(header)}",
            row=HEADER_ROW + 1 + i,
        )
        for i, r in enumerate(body)
        if len(r) != len(header) and any(v.strip() for v in r)
    ]
    if ragged:
        raise InvalidInput(ragged[:1000], "Bestand niet leesbaar", total=len(ragged))
    width = len(header)
    return pd.DataFrame(
        [r if len(r) == width else [""] * width for r in body], columns=header, dtype=str
    )


def open_workbook(path: Path, source: str, title: str) -> Workbook:
    """An uploaded .xlsx, opened read-only with values instead of formulas; a file that is no
    workbook raises :class:`InvalidInput` naming ``source``, under ``title``."""
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput.one(
            source, f"geen geldig Excel-bestand (.xlsx): {exc}", title=title
        ) from None


def _read_excel(path: Path, source: str, sheet: str) -> pd.DataFrame:
    book = open_workbook(path, source, "Bestand niet leesbaar")
    try:
        names = {normalise_header(n): n for n in book.sheetnames}
        if normalise_header(sheet) not in names:
            found = ", ".join(f"'{n}'" for n in book.sheetnames)
            raise InvalidInput.one(
                source, f"tabblad '{sheet}' ontbreekt (gevonden: {found})", title="Verkeerd tabblad"
            )
        frame = pd.read_excel(
            book, sheet_name=names[normalise_header(sheet)], dtype=object, engine="openpyxl"
        )
    finally:
        book.close()  # a read-only workbook keeps its file open until closed
    return frame.map(_cell_text).astype(str)


def read_table(
    path: Path,
    columns: dict[str, tuple[str, ...]],
    *,
    sheet: str,
    source: str | None = None,
    optional: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read ``path`` (.csv or .xlsx) into the logical ``columns`` as stripped text.

    ``columns`` maps each logical name to the headers accepted for it; those in ``optional``
    may be absent (they read as empty). The result keeps the
    spreadsheet row number in column ``_row`` and the file's own header of each logical column
    in ``attrs["headers"]``; fully empty rows are dropped. Raises
    :class:`InvalidInput` for an unreadable file, a missing column or no data rows.
    """
    source = source or path.name
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InvalidInput.one(source, "bestand niet gevonden", title="Bestand ontbreekt")
    if suffix == ".csv":
        frame = _read_csv(path, source)
    elif suffix in (".xlsx", ".xlsm"):
        frame = _read_excel(path, source, sheet)
    else:
        raise InvalidInput.one(
            source,
            f"onbekend bestandstype '{suffix}': gebruik .csv of .xlsx",
            title="Bestandstype niet ondersteund",
        )

    found = {normalise_header(h): h for h in frame.columns}
    mapping: dict[str, str] = {}
    problems: list[InputProblem] = []
    for logical, accepted in columns.items():
        hit = next((found[a] for a in map(normalise_header, accepted) if a in found), None)
        if hit is None and logical not in optional:
            problems.append(
                InputProblem(
                    source,
                    f"kolom ontbreekt (verwacht een van: {', '.join(accepted)})",
                    row=HEADER_ROW,
                    column=logical,
                )
            )
        elif hit is not None:
            mapping[logical] = hit
    if problems:
        raise InvalidInput(problems, "Kolommen ontbreken")

    table = frame[list(mapping.values())].copy()
    table.columns = list(mapping)
    table = table.apply(lambda col: col.astype(str).str.strip())
    for logical in columns:
        if logical not in table:
            table[logical] = ""
    table["_row"] = range(HEADER_ROW + 1, HEADER_ROW + 1 + len(table))
    table = table[(table[list(columns)] != "").any(axis=1)]
    table.attrs["headers"] = {logical: str(header) for logical, header in mapping.items()}
    if table.empty:
        raise InvalidInput.one(
            source, "het bestand bevat geen gegevensregels", title="Leeg bestand"
        )
    return table.reset_index(drop=True)


class ProblemCollector:
    """Gathers row problems column by column, keeping a bounded list but the full count."""

    def __init__(
        self, source: str, headers: dict[str, str] | None = None, keep: int = 1000
    ) -> None:
        self.source = source
        self.headers = headers or {}
        self.keep = keep
        self.problems: list[InputProblem] = []
        self.total = 0

    def add(self, rows: pd.Series, column: str, message: str | pd.Series) -> None:
        """Record ``message`` (one text, or one per row) for every row number in ``rows``."""
        self.total += len(rows)
        room = max(self.keep - len(self.problems), 0)
        texts = message if isinstance(message, pd.Series) else pd.Series(message, index=rows.index)
        for row, text in zip(rows.iloc[:room], texts.iloc[:room], strict=True):
            self.problems.append(
                InputProblem(
                    self.source, text, row=int(row), column=self.headers.get(column, column)
                )
            )

    def raise_if_any(self, title: str) -> None:
        if self.total:
            self.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
            raise InvalidInput(self.problems, title, total=self.total)
