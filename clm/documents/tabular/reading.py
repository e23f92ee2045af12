"""Reading a CSV or Excel sheet into text columns: headers matched in Dutch or English, any
case; each value as the text the person typed; errors naming file, row and column."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from clm.errors import InputProblem, InvalidInput
from clm.rules.inputs import CONTROL, clean_text, format_characters

from .bounds import DECLARATIONS, MAX_COLUMNS, MAX_ROWS, SheetBounds, check_size, check_workbook
from .problems import ProblemCollector

HEADER_ROW = 1  # data rows are numbered as a spreadsheet shows them: the first is row 2


def normalise_header(name: object) -> str:
    """Lowercase, accents and punctuation removed: 'Cliënt-ID' → 'clientid'."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def cell_text(value: object) -> str:
    """A cell's value as the text a person typed: whole numbers without '.0', dates in ISO
    form, a spreadsheet's double rounded to its shortest sensible text (12.34, not
    12.339999999999); NaN and None are empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # Excel hands whole numbers (codes) back as floats
        return repr(round(value, 9)) if abs(value) < 1e15 else repr(value)
    if hasattr(value, "date") and hasattr(value, "year"):
        return value.date().isoformat() if callable(value.date) else str(value)
    return str(value).strip()


def _read_csv(path: Path, source: str) -> list[list[str]]:
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
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # Windows, old Mac and Unix alike
    first_line = text.split("\n", 1)[0]
    sep = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    records: list[list[str]] = []
    try:
        for record in reader:
            if len(records) > MAX_ROWS:
                raise InvalidInput.one(
                    source,
                    f"meer dan {MAX_ROWS:,} regels; splits het bestand".replace(",", "."),
                    title="Bestand te groot",
                )
            records.append(record)
    except csv.Error as exc:
        raise InvalidInput.one(
            source,
            f"regel niet te lezen als CSV ({exc})",
            row=reader.line_num,
            title="Bestand niet leesbaar",
        ) from None
    return records


def open_workbook(
    path: Path, source: str, title: str, bounds: SheetBounds = DECLARATIONS
) -> Workbook:
    """An uploaded .xlsx, opened read-only with values instead of formulas, after its size
    and what it unpacks to were checked against what its kind can hold (``bounds``); a file
    that is no workbook raises :class:`InvalidInput` naming ``source``, under ``title``."""
    check_size(path, source, bounds)
    try:
        check_workbook(path, source, bounds)
        book = load_workbook(path, read_only=True, data_only=True)
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput.one(
            source, f"geen geldig Excel-bestand (.xlsx): {exc}", title=title
        ) from None
    except Exception as exc:  # noqa: BLE001 - any parser failure is a file we cannot read
        raise InvalidInput.one(
            source, f"geen geldig Excel-bestand (.xlsx): {type(exc).__name__}", title=title
        ) from None
    return book


def sheet_rows(
    book: Workbook, sheet: str, source: str, bounds: SheetBounds = DECLARATIONS
) -> list[tuple[object, ...]]:
    """The rows of ``sheet`` as value tuples, at most :data:`MAX_COLUMNS` wide and
    ``bounds.rows`` long, trailing empty cells dropped. A sheet that claims to be larger is
    refused before its rows are read; a cell too far right is not read at all."""
    ws = book[sheet]
    most = bounds.rows
    claimed = getattr(ws, "max_row", None)  # from the sheet's dimension tag, when it has one
    if isinstance(claimed, int) and claimed > most:
        raise InvalidInput.one(
            source,
            f"tabblad '{sheet}' heeft {claimed} regels; {bounds.what} heeft er hooguit {most}",
            title="Bestand te groot",
        )
    rows: list[tuple[object, ...]] = []
    problems: list[InputProblem] = []
    try:
        for values in ws.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            if len(rows) >= most:
                raise InvalidInput.one(
                    source,
                    f"meer dan {most} regels; {bounds.what} heeft er hooguit {most}",
                    title="Bestand te groot",
                )
            values = list(values)
            end = len(values)
            while end and values[end - 1] in (None, ""):
                end -= 1
            for col in range(end):
                if isinstance(values[col], str):
                    try:
                        values[col] = clean_text(values[col], multiline=True)
                    except ValueError as exc:
                        letter = get_column_letter(col + 1)
                        problems.append(
                            InputProblem(source, f"cel {exc}", row=len(rows) + 1, column=letter)
                        )
            rows.append(tuple(values[:end]))
    except InvalidInput:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet is a file we cannot read
        raise InvalidInput.one(
            source,
            f"tabblad '{sheet}' niet leesbaar ({type(exc).__name__}), rij {len(rows) + 1}",
            title="Bestand niet leesbaar",
        ) from None
    if problems:
        raise InvalidInput(problems[:1000], "Bestand niet leesbaar", total=len(problems))
    while rows and not rows[-1]:
        rows.pop()
    return rows


def has_sheet(path: Path, sheet: str, bounds: SheetBounds = DECLARATIONS) -> bool:
    """Whether the workbook at ``path`` has a tab named ``sheet`` (any case or spacing);
    False for a file that is no workbook or beyond ``bounds`` (its reader says why)."""
    try:
        check_size(path, path.name, bounds)
        check_workbook(path, path.name, bounds)
        book = load_workbook(path, read_only=True)
    except Exception:  # noqa: BLE001 - the reader of the sheet reports an unreadable file
        return False
    try:
        return normalise_header(sheet) in {normalise_header(n) for n in book.sheetnames}
    finally:
        book.close()


def _read_excel(path: Path, source: str, sheet: str, bounds: SheetBounds) -> list[list[str]]:
    book = open_workbook(path, source, "Bestand niet leesbaar", bounds)
    try:
        names = {normalise_header(n): n for n in book.sheetnames}
        if normalise_header(sheet) not in names:
            found = ", ".join(f"'{n}'" for n in book.sheetnames)
            raise InvalidInput.one(
                source, f"tabblad '{sheet}' ontbreekt (gevonden: {found})", title="Verkeerd tabblad"
            )
        rows = sheet_rows(book, names[normalise_header(sheet)], source, bounds)
    finally:
        book.close()  # a read-only workbook keeps its file open until closed
    return [[cell_text(v) for v in row] for row in rows]


def _frame(records: list[list[str]], source: str) -> pd.DataFrame:
    """The records as text columns under their (unique) headers; ragged rows refused."""
    if not records or not any(h.strip() for h in records[0]):
        raise InvalidInput.one(source, "het bestand is leeg", title="Leeg bestand")
    header = [h.strip() for h in records[0]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    problems = [
        InputProblem(
            source,
            f"onverwacht aantal velden: {len(r)} in plaats van {width}",
            row=HEADER_ROW + 1 + i,
        )
        for i, r in enumerate(records[1:])
        if len(r) > width and any(v.strip() for v in r[width:])
    ]
    if problems:
        raise InvalidInput(problems[:1000], "Bestand niet leesbaar", total=len(problems))
    body = [(r + [""] * width)[:width] for r in records[1:]]
    return pd.DataFrame(body, columns=range(width), dtype=str).set_axis(header, axis=1)


def read_table(
    path: Path,
    columns: dict[str, tuple[str, ...]],
    *,
    sheet: str,
    source: str | None = None,
    optional: tuple[str, ...] = (),
    bounds: SheetBounds = DECLARATIONS,
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
    check_size(path, source, bounds)
    if suffix == ".csv":
        records = _read_csv(path, source)
        if len(records) > bounds.rows + 1:
            raise InvalidInput.one(
                source,
                f"{len(records) - 1} regels; {bounds.what} heeft er hooguit {bounds.rows}",
                title="Bestand te groot",
            )
        frame = _frame(records, source)
    elif suffix in (".xlsx", ".xlsm"):
        frame = _frame(_read_excel(path, source, sheet, bounds), source)
    else:
        raise InvalidInput.one(
            source,
            f"onbekend bestandstype '{suffix}': gebruik .csv of .xlsx",
            title="Bestandstype niet ondersteund",
        )

    problems: list[InputProblem] = []
    seen: dict[str, str] = {}
    for header in frame.columns:
        key = normalise_header(header)
        if key and key in seen:
            problems.append(
                InputProblem(
                    source,
                    f"kolom '{header}' staat er twee keer in; laat er één staan",
                    row=HEADER_ROW,
                    column=str(header),
                )
            )
        seen.setdefault(key, str(header))
    mapping: dict[str, str] = {}
    for logical, accepted in columns.items():
        hits = list(dict.fromkeys(seen[a] for a in map(normalise_header, accepted) if a in seen))
        if len(hits) > 1:
            problems.append(
                InputProblem(
                    source,
                    "de kolommen " + " en ".join(f"'{h}'" for h in hits) + " betekenen "
                    "hetzelfde; laat er één staan",
                    row=HEADER_ROW,
                    column=logical,
                )
            )
        elif not hits and logical not in optional:
            problems.append(
                InputProblem(
                    source,
                    f"kolom ontbreekt (verwacht een van: {', '.join(accepted)})",
                    row=HEADER_ROW,
                    column=logical,
                )
            )
        elif hits:
            mapping[logical] = hits[0]
    if problems:
        raise InvalidInput(problems, "Kolommen ontbreken of staan er dubbel in")

    table = frame[list(mapping.values())].copy()
    table.columns = list(mapping)
    for logical in columns:
        if logical not in table:
            table[logical] = ""
    table["_row"] = range(HEADER_ROW + 1, HEADER_ROW + 1 + len(table))
    table = table[(table[list(columns)].apply(lambda c: c.str.strip()) != "").any(axis=1)]
    headers = {logical: str(header) for logical, header in mapping.items()}
    collector = ProblemCollector(source, headers)
    for logical in columns:
        text = table[logical].str.strip()
        blob = "\n".join(text)  # one scan of the column; cell by cell only when it finds some
        if format_characters().search(blob):
            text = text.str.replace(format_characters(), "", regex=True).str.strip()
        if CONTROL.search(blob):
            bad = text.str.contains(CONTROL, regex=True)
            collector.add(table.loc[bad, "_row"], logical, "bevat een stuurteken (geen tekst)")
        if not unicodedata.is_normalized("NFC", blob):
            text = text.str.normalize("NFC")
        table[logical] = text
    collector.raise_if_any("Bestand niet leesbaar, er is niets opgeslagen")
    table.attrs["headers"] = headers
    if table.empty:
        raise InvalidInput.one(
            source, "het bestand bevat geen gegevensregels", title="Leeg bestand"
        )
    return table.reset_index(drop=True)
