"""The draft agenda as a Word document (.docx): the provider can write in it, and it is
quick to make for a thousand meetings at once (the final agenda goes out as PDF)."""

from __future__ import annotations

import io
import threading
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from clm.clock import dutch_date
from clm.documents.ooxml import PackageBase
from clm.rules.agenda import AgendaItem

_DOCUMENT_PART = "word/document.xml"
_local = threading.local()
# A4 with 2 cm margins leaves 17 cm; the first column holds the agenda's longest words
# ("Contractmanagement", "Wachtlijsten/wachttijden") whole, the report column room to write.
_META_WIDTHS = (Cm(4.5), Cm(12.5))
_AGENDA_WIDTHS = (Cm(6.6), Cm(5.6), Cm(2.7), Cm(2.1))


class _AgendaWriter:
    """One document reused for every agenda in this thread: opening python-docx's template
    (and compressing its 790 kB of styles) for each of a thousand agendas took most of the
    time, while only the body differs."""

    def __init__(self) -> None:
        self.doc = Document()
        # python-docx's template is US Letter with the font left to the theme, which other
        # programs than Word do not read: A4, and Calibri named outright
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        normal = self.doc.styles["Normal"].font
        normal.size, normal.name = Pt(10), "Calibri"
        out = io.BytesIO()
        self.doc.save(out)
        self.base = PackageBase(out.getvalue(), {_DOCUMENT_PART})

    def blank(self) -> DocumentObject:
        """The document with an empty body (its page settings kept)."""
        body = self.doc.element.body
        for child in list(body):
            if child is not body.sectPr:
                body.remove(child)
        return self.doc

    def package(self) -> bytes:
        return self.base.complete({_DOCUMENT_PART: self.doc.part.blob})


def _writer() -> _AgendaWriter:
    writer = getattr(_local, "writer", None)
    if writer is None:
        writer = _local.writer = _AgendaWriter()
    return writer


def agenda_docx(context: dict[str, Any]) -> bytes:
    """The seed-002 agenda of one meeting, from the same context as the HTML templates."""
    provider, meeting = context["provider"], context["meeting"]
    start, end = context["starts_local"], context["ends_local"]
    writer = _writer()
    doc = writer.blank()
    doc.add_heading(
        ("Agenda" if context["final"] else "Conceptagenda") + " contractmanagementgesprek", level=1
    )
    meta = doc.add_table(rows=0, cols=2)
    location = meeting.location + (f" ({meeting.location_url})" if meeting.location_url else "")
    for label, value in (
        ("Naam aanbieder", f"{provider.name} (AGB {provider.code})"),
        (
            "Datum gesprek en tijd",
            f"{dutch_date(start.date(), weekday=True)}, {start:%H:%M}–{end:%H:%M} uur",
        ),
        ("Locatie", location),
        ("Aanwezigen aanbieder", provider.contact_name),
        ("Aanwezigen regio", ", ".join(context["region_attendees"])),
        ("Type gesprek", "Contractmanagementgesprek"),
    ):
        cells = meta.add_row().cells
        cells[0].text, cells[1].text = label, value
    _fix_widths(meta, _META_WIDTHS)
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    _repeat_as_header(table)
    for cell, title in zip(
        table.rows[0].cells,
        ("Gespreksonderwerp", "Verslag en actiepunten", "Actiehouder", "Deadline"),
        strict=True,
    ):
        cell.text = ""
        cell.paragraphs[0].add_run(title).bold = True
    for item in context["agenda"]:
        cell = table.add_row().cells[0]
        cell.text = ""
        cell.paragraphs[0].add_run(f"{item.number}. {item.title}").bold = True
        for letter, sub in zip("abcdefgh", item.subitems, strict=False):
            cell.add_paragraph(f"{letter}. {sub}")
        for note in _notes(item, context):
            cell.add_paragraph(note)
    _fix_widths(table, _AGENDA_WIDTHS)
    return writer.package()


def _fix_widths(table: Table, widths: tuple[Cm, ...]) -> None:
    """Fixed column widths, written where each program reads them: Word the cells' own
    width, LibreOffice the table grid (left to itself it splits the page evenly)."""
    table.autofit = False
    for col, width in zip(table.columns, widths, strict=True):
        col.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _repeat_as_header(table: Table) -> None:
    """The first row comes back at the top of each page the table runs onto."""
    row_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row_pr.append(header)


def _notes(item: AgendaItem, context: dict[str, Any]) -> list[str]:
    number = item.number
    if item.figures_number:
        return [
            f"Bij {item.figures_number}: de gegevens die u aanlevert staan in de definitieve "
            "agenda, naast de norm en de andere aanbieders in dezelfde zorgvorm."
        ]
    if number == "2":
        previous = context["previous"]
        first = (
            f"Vorig gesprek: {dutch_date(previous)}."
            if previous
            else "Geen eerder gesprek vastgelegd."
        )
        actions = context["open_actions"]
        return (
            [first, *(f"– {a}" for a in actions)]
            if actions
            else [first + " Geen openstaande actiepunten."]
        )
    if number == "7" and context.get("signals"):
        return ["Signalen om te bespreken:", *(f"– {s}" for s in context["signals"])]
    if number == "3":
        return [f"– {p}" for p in context["points"]] or [
            "Punten kunt u aanleveren tot de definitieve agenda."
        ]
    return []
