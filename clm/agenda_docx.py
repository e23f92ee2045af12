"""The draft agenda as a Word document (.docx): the provider can write in it, and it is
quick to make for a thousand meetings at once (the final agenda goes out as PDF)."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.shared import Pt

from clm.clock import dutch_date


def agenda_docx(context: dict[str, Any]) -> bytes:
    """The seed-002 agenda of one meeting, from the same context as the HTML templates."""
    provider, meeting = context["provider"], context["meeting"]
    start, end = context["starts_local"], context["ends_local"]
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
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
        for note in _notes(item.number, context):
            cell.add_paragraph(note)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _notes(number: str, context: dict[str, Any]) -> list[str]:
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
