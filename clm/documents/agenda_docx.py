"""The draft agenda as a Word document (.docx): the provider can write in it, and it is
quick to make for a thousand meetings at once (the final agenda goes out as PDF)."""

from __future__ import annotations

import io
import threading
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Pt

from clm.clock import dutch_date
from clm.documents.ooxml import PackageBase
from clm.rules.agenda import AgendaItem

_DOCUMENT_PART = "word/document.xml"
_local = threading.local()


class _AgendaWriter:
    """One document reused for every agenda in this thread: opening python-docx's template
    (and compressing its 790 kB of styles) for each of a thousand agendas took most of the
    time, while only the body differs."""

    def __init__(self) -> None:
        self.doc = Document()
        self.doc.styles["Normal"].font.size = Pt(10)
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
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
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
    return writer.package()


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
