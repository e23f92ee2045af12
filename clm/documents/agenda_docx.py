"""The draft agenda as a Word document (.docx): the provider can write in it, and it is
quick to make for thousands of meetings at once (the final agenda goes out as PDF).

Only the body differs from one agenda to the next. The package (styles, settings, the A4 page)
is made once with python-docx and compressed once (:class:`PackageBase`); each agenda's
``word/document.xml`` is written as text, the same elements python-docx would write: building
the body through python-docx's object model took most of a quarterly preparation's time."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Any

from docx import Document
from docx.shared import Cm, Length, Pt

from clm.clock import dutch_date
from clm.documents.ooxml import PackageBase, xml_text
from clm.rules.agenda import AgendaItem

_DOCUMENT_PART = "word/document.xml"
# A4 with 2 cm margins leaves 17 cm; the first column holds the agenda's longest words
# ("Contractmanagement", "Wachtlijsten/wachttijden") whole, the report column room to write.
_META_WIDTHS = (Cm(4.5), Cm(12.5))
_AGENDA_WIDTHS = (Cm(6.6), Cm(5.6), Cm(2.7), Cm(2.1))
# What Word itself writes for a new table: header row and first column emphasised
_TABLE_LOOK = (
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
    'w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
)
# A tab and a line break are elements of their own in a run, as python-docx writes them
_RUN_BREAKS = re.compile(r"(\t|\r\n|\r|\n)")


class _Package:
    """The package less its body: python-docx's template on A4 with 2 cm margins and Calibri
    named outright (its template is US Letter with the font left to the theme, which other
    programs than Word do not read)."""

    def __init__(self) -> None:
        doc = Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        normal = doc.styles["Normal"].font
        normal.size, normal.name = Pt(10), "Calibri"
        out = io.BytesIO()
        doc.save(out)
        self.base = PackageBase(out.getvalue(), {_DOCUMENT_PART})
        document = self.base.originals[_DOCUMENT_PART].decode("utf-8")
        # the body is empty but for the section's page settings, which end every agenda
        body = document.index("<w:body>") + len("<w:body>")
        self.head, self.tail = document[:body], document[body:]

    def complete(self, body: str) -> bytes:
        return self.base.complete({_DOCUMENT_PART: (self.head + body + self.tail).encode()})


@lru_cache(maxsize=1)
def _package() -> _Package:
    return _Package()


def _runs(text: str, bold: bool = False) -> str:
    """``text`` as one run (bold or not), its tabs and line breaks kept."""
    parts = []
    for part in _RUN_BREAKS.split(text):
        if part == "\t":
            parts.append("<w:tab/>")
        elif part in ("\n", "\r", "\r\n"):
            parts.append("<w:br/>")
        elif part:
            parts.append(f'<w:t xml:space="preserve">{xml_text(part)}</w:t>')
    style = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:r>{style}{''.join(parts)}</w:r>"


def _paragraph(text: str = "", bold: bool = False) -> str:
    return f"<w:p>{_runs(text, bold)}</w:p>" if text else "<w:p/>"


def _table(rows: list[list[str]], widths: tuple[Length, ...], grid: bool, header: bool) -> str:
    """A table of cells given as paragraphs' XML, with fixed column widths written where each
    program reads them: Word the cells' own width, LibreOffice the table grid (left to itself
    it splits the page evenly); with ``header`` the first row comes back at the top of each
    page the table runs onto."""
    style = '<w:tblStyle w:val="TableGrid"/>' if grid else ""
    columns = "".join(f'<w:gridCol w:w="{w.twips}"/>' for w in widths)
    out = [
        f'<w:tbl><w:tblPr>{style}<w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="fixed"/>'
        f"{_TABLE_LOOK}</w:tblPr><w:tblGrid>{columns}</w:tblGrid>"
    ]
    for number, cells in enumerate(rows):
        repeat = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if header and number == 0 else ""
        out.append(f"<w:tr>{repeat}")
        for content, width in zip(cells, widths, strict=True):
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width.twips}"/></w:tcPr>'
                f"{content or '<w:p/>'}</w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def agenda_docx(context: dict[str, Any]) -> bytes:
    """The seed-002 agenda of one meeting, from the same context as the HTML templates."""
    provider, meeting = context["provider"], context["meeting"]
    start, end = context["starts_local"], context["ends_local"]
    heading = ("Agenda" if context["final"] else "Conceptagenda") + " contractmanagementgesprek"
    location = meeting.location + (f" ({meeting.location_url})" if meeting.location_url else "")
    meta = [
        [_paragraph(label), _paragraph(value)]
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
        )
    ]
    titles = ("Gespreksonderwerp", "Verslag en actiepunten", "Actiehouder", "Deadline")
    agenda = [[_paragraph(title, bold=True) for title in titles]]
    for item in context["agenda"]:
        topic = [_paragraph(f"{item.number}. {item.title}", bold=True)]
        topic += [
            _paragraph(f"{letter}. {sub}")
            for letter, sub in zip("abcdefgh", item.subitems, strict=False)
        ]
        topic += [_paragraph(note) for note in _notes(item, context)]
        agenda.append(["".join(topic), "", "", ""])
    body = (
        f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>{_runs(heading)}</w:p>'
        + _table(meta, _META_WIDTHS, grid=False, header=False)
        + "<w:p/>"
        + _table(agenda, _AGENDA_WIDTHS, grid=True, header=True)
    )
    return _package().complete(body)


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
