"""Small builders of test input files."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HEADER = ["AGB-code", "Cliënt", "Gemeente", "Periode", "Bedrag", "Zorgvorm"]


def write_csv(
    path: Path,
    rows: list[list[object]],
    header: list[str] | None = None,
    sep: str = ";",
    encoding: str = "utf-8",
) -> Path:
    lines = [sep.join(header or HEADER)] + [sep.join(str(v) for v in r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(
    path: Path,
    rows: list[list[object]],
    header: list[str] | None = None,
    sheet: str = "Declaraties",
) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header or HEADER)
    for r in rows:
        ws.append(r)
    book.save(path)
    return path
