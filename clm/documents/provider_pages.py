"""The regional analysis's page per provider, drawn as PDF with ReportLab's flowables.

The pages have one fixed shape (heading, facts, the KPI table, the position picture of the
provider's lot with its own values marked), and a region has a thousand of them. WeasyPrint
laid each out from HTML at about 0.2 s of a core, most of it the nine-column table; drawn
here directly it is about 25 ms, in the same font (DejaVu Sans, the copy matplotlib ships,
so the pages need no system font) and the same look. The report's summary stays HTML
(:mod:`clm.documents.pdf`).
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from clm.documents.pdf import LaidOut, cut_sections
from clm.rules.inputs import CONTROL

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
GREY, RED, HEAD_FILL, LINES = "#555555", "#aa0000", "#e8eef5", "#999999"
MARKER = "#cc0000"
COLUMNS = (
    "Indicator",
    "Eenheid",
    "Waarde",
    "Norm",
    "Gehaald",
    "Vorig kwartaal",
    "Gem. 4 kwartalen",
    "Mediaan perceel",
    "Kwart (1 = beste)",
)
NUMERIC = {2, 3, 5, 6, 7, 8}  # right-aligned columns
OBLIGATION_NOTE = (
    "* resultaatverplichting: de norm niet halen is een signaal voor de escalatieladder. "
    '"geen gegevens": niet aangeleverd, niet als nul geteld.'
)
# a run of right-to-left text: from a strong right-to-left letter to the last one before a
# left-to-right letter (over spaces, punctuation and numbers), in a string of bidi classes
_RTL_RUN = re.compile(r"R[^L]*R|R")
_MIRRORED = str.maketrans("()[]{}<>", ")(][}{><")
# Unicode bidi classes as _visual reads them: R(ight to left), L(eft to right), D(igits);
# anything else is neutral (N)
_BIDI = {"R": "R", "AL": "R", "L": "L", "EN": "D", "AN": "D"}


@dataclass(frozen=True)
class KpiLine:
    """One KPI's row on a provider's page, every figure already written out in Dutch."""

    label: str
    unit: str
    value: str
    norm: str
    met: str
    previous: str
    mean_4q: str
    median: str
    quartile: str
    missed: bool = False
    obligation: bool = False


@dataclass(frozen=True)
class ProviderPage:
    """What one provider's page shows. ``picture`` is its lot's position picture (PNG,
    shared by the lot's pages) and ``markers`` its own values on it, as percentages from
    the picture's left and top edges; ``no_picture`` is said instead when there is none."""

    anchor: str
    title: str
    facts: tuple[tuple[str, str], ...]
    rows: tuple[KpiLine, ...]
    no_picture: str
    picture: bytes | None = None
    markers: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class ProviderPages:
    """Part of the report: some providers' pages under the heading they share, laid out
    as one PDF; the pages of the providers whose anchor is in ``cut`` also each as a PDF of
    their own (for the dossier)."""

    heading: str
    note: str
    kpi_heading: str
    pages: tuple[ProviderPage, ...]
    cut: frozenset[str] = frozenset()
    title: str = ""

    @property
    def sections(self) -> tuple[str, ...]:
        """The anchors of the pages, in order."""
        return tuple(p.anchor for p in self.pages)

    def lay_out(self) -> LaidOut:
        """The part's PDF and the PDFs of the pages asked for."""
        pdf, firsts, pages = _draw(self)
        return cut_sections(pdf, self.sections, firsts, pages, self.cut)


def _text(value: Any) -> str:
    """``value`` as Paragraph markup: escaped, in NFC, control characters as spaces (no
    glyph; one would end a PDF string early), a character DejaVu Sans cannot draw as U+FFFD
    (seen, not silently left out) and right-to-left runs in the order they are read
    (:func:`_visual`)."""
    text = unicodedata.normalize("NFC", CONTROL.sub(" ", str(value)))
    glyphs = _glyphs()
    if not all(ord(c) in glyphs for c in text):
        text = "".join(c if ord(c) in glyphs else "\ufffd" for c in text)
    return escape(_visual(text))


def _visual(text: str) -> str:
    """``text`` with each right-to-left run (Hebrew, Arabic) turned round, numbers in it
    kept as written and brackets mirrored: PDF text is drawn left to right, and ReportLab
    has no bidi algorithm here. Arabic letters keep their plain forms (no joining)."""
    classes = "".join(_BIDI.get(unicodedata.bidirectional(c), "N") for c in text)
    if "R" not in classes:
        return text
    out, last = [], 0
    for run in _RTL_RUN.finditer(classes):
        out.append(text[last : run.start()])
        # numbers stay left to right: turn the run round by pieces, not by characters
        pieces = re.findall(r"D+|.", classes[run.start() : run.end()])
        at, parts = run.start(), []
        for piece in pieces:
            chunk = text[at : at + len(piece)]
            parts.append(chunk if piece[0] == "D" else chunk.translate(_MIRRORED))
            at += len(piece)
        out.append("".join(reversed(parts)))
        last = run.end()
    out.append(text[last:])
    return "".join(out)


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    """The characters both weights of DejaVu Sans draw, within the BMP: ReportLab writes a
    character beyond it (an emoji) with a wrong text behind it (U+1F600 read as U+1F60)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    _fonts()
    both = set(getFont(FONT).face.charToGlyph) & set(getFont(BOLD).face.charToGlyph)
    return frozenset(c for c in both if c <= 0xFFFF)


@lru_cache(maxsize=1)
def _fonts() -> None:
    """DejaVu Sans (regular and bold) registered with ReportLab, once a process."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    spec = find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"
    for name in (FONT, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(folder / f"{name}.ttf")))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, BOLD)


@lru_cache(maxsize=1)
def _styles() -> dict[str, Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    _fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=12.5)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=9.8)
    note = ParagraphStyle("note", fontName=FONT, fontSize=9, leading=11.5, textColor=HexColor(GREY))
    return {
        "h1": ParagraphStyle("h1", fontName=BOLD, fontSize=15, leading=18, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2", fontName=BOLD, fontSize=12, leading=14.5, spaceBefore=12, spaceAfter=4
        ),
        "h3": ParagraphStyle(
            "h3", fontName=BOLD, fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=3
        ),
        "note": note,
        "after_table": ParagraphStyle("after_table", parent=note, spaceBefore=5, spaceAfter=5),
        "body": body,
        "cell": cell,
        # column titles a little smaller: 'kwartalen' fits a figure's column unbroken
        "head": ParagraphStyle("head", parent=cell, fontName=BOLD, fontSize=7.5, leading=9.2),
        "head_num": ParagraphStyle(
            "head_num", parent=cell, fontName=BOLD, fontSize=7.5, leading=9.2, alignment=TA_RIGHT
        ),
        "num": ParagraphStyle("num", parent=cell, alignment=TA_RIGHT),
        "missed": ParagraphStyle(
            "missed", parent=cell, fontName=BOLD, textColor=HexColor(RED), alignment=TA_RIGHT
        ),
        "missed_left": ParagraphStyle(
            "missed_left", parent=cell, fontName=BOLD, textColor=HexColor(RED)
        ),
    }


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("de positieafbeelding is geen PNG")
    return struct.unpack(">II", png[16:24])


def _picture(png: bytes, markers: tuple[tuple[float, float], ...]) -> Any:
    """A flowable: the lot's picture across the text width (smaller when a page could not
    hold it) with the provider's values as red diamonds."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable

    px_w, px_h = _png_size(png)

    class Picture(Flowable):
        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            self.width = avail_width
            self.height = avail_width * px_h / px_w
            full = _FRAME_HEIGHT - 1  # never taller than an empty page holds
            if self.height > full:
                self.width, self.height = self.width * full / self.height, full
            return self.width, self.height

        def draw(self) -> None:
            canvas, w, h = self.canv, self.width, self.height
            canvas.drawImage(ImageReader(io.BytesIO(png)), 0, 0, w, h)
            canvas.setFillColor(HexColor(MARKER))
            half = 4.2  # a 6 pt square turned 45 degrees
            for left, top in markers:
                x, y = w * left / 100, h * (1 - top / 100)
                path = canvas.beginPath()
                path.moveTo(x, y + half)
                path.lineTo(x + half, y)
                path.lineTo(x, y - half)
                path.lineTo(x - half, y)
                path.close()
                canvas.drawPath(path, stroke=0, fill=1)

    return Picture()


_PAGE_W, _PAGE_H = 595.2756, 841.8898  # A4 in points
_MARGIN_X, _MARGIN_Y = 15 / 25.4 * 72, 18 / 25.4 * 72
_FRAME_HEIGHT = _PAGE_H - 2 * _MARGIN_Y


def _start(anchor: str, title: str, starts: dict[str, int]) -> Any:
    """A flowable of no size where a provider's pages begin: notes the page (from 0) in
    ``starts`` as it is drawn and puts the provider in the PDF's outline (bookmarks)."""
    from reportlab.platypus import Flowable

    class Start(Flowable):
        def wrap(self, *_: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            starts[anchor] = self.canv.getPageNumber() - 1
            self.canv.bookmarkPage(anchor)
            self.canv.addOutlineEntry(title, anchor, level=0)

    return Start()


def _cells_top(*, left: float, right: float, top: float, bottom: float) -> list[tuple]:
    """Table style commands: every cell's text at its top, with these paddings (points)."""
    every = ((0, 0), (-1, -1))
    return [
        ("VALIGN", *every, "TOP"),
        ("LEFTPADDING", *every, left),
        ("RIGHTPADDING", *every, right),
        ("TOPPADDING", *every, top),
        ("BOTTOMPADDING", *every, bottom),
    ]


def _kpi_table(page: ProviderPage, width: float) -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph, Table, TableStyle

    s = _styles()
    head = [
        Paragraph(c, s["head_num"] if i in NUMERIC else s["head"]) for i, c in enumerate(COLUMNS)
    ]
    body = []
    for r in page.rows:
        label = _text(r.label) + ("&nbsp;*" if r.obligation else "")  # the star not alone
        figures = (r.value, r.norm, r.met, r.previous, r.mean_4q, r.median, r.quartile)
        cells = [Paragraph(label, s["cell"]), Paragraph(_text(r.unit), s["cell"])]
        for column, figure in enumerate(figures, start=2):
            style = "num" if column in NUMERIC else "cell"
            if r.missed and column in (2, 4):
                style = "missed" if column in NUMERIC else "missed_left"
            cells.append(Paragraph(_text(figure), s[style]))
        body.append(cells)
    # the unit column holds 'percentage' unbroken; the figures share what is left
    label, unit = width * 0.23, width * 0.105
    widths = [label, unit, *([(width - label - unit) / 7] * 7)]
    table = Table([head, *body], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.75, HexColor(LINES)),
                ("BACKGROUND", (0, 0), (-1, 0), HexColor(HEAD_FILL)),
                *_cells_top(left=2.5, right=2.5, top=2, bottom=2.5),
            ]
        )
    )
    return table


def _facts_table(page: ProviderPage, width: float) -> Any:
    from reportlab.platypus import Paragraph, Table, TableStyle

    s = _styles()
    rows = [
        [Paragraph(_text(label), s["body"]), Paragraph(": " + _text(value), s["body"])]
        for label, value in page.facts
    ]
    table = Table(rows, colWidths=[width * 0.3, width * 0.7])
    table.setStyle(TableStyle(_cells_top(left=0, right=6, top=0.5, bottom=0.5)))
    return table


def _draw(part: ProviderPages) -> tuple[bytes, list[int], int]:
    """The part's PDF, the first page of each provider (from 0) and the number of pages."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph

    s = _styles()
    out = io.BytesIO()
    width = _PAGE_W - 2 * _MARGIN_X
    # a frame without padding: the text starts at the margin, as in the other documents
    frame = Frame(_MARGIN_X, _MARGIN_Y, width, _FRAME_HEIGHT, 0, 0, 0, 0, id="text", showBoundary=0)
    document = BaseDocTemplate(
        out,
        pagesize=(_PAGE_W, _PAGE_H),
        pageTemplates=[PageTemplate("page", [frame])],
        title=part.title,
        lang="nl",
        initialFontName=FONT,
    )
    starts: dict[str, int] = {}
    # the texts every page of the part shares, written out once
    heading, note, kpi_heading = (_text(t) for t in (part.heading, part.note, part.kpi_heading))
    obligation = _text(OBLIGATION_NOTE)
    story: list[Any] = []
    for number, page in enumerate(part.pages):
        if number:
            story.append(PageBreak())
        story += [
            _start(page.anchor, page.title, starts),
            Paragraph(heading, s["h1"]),
            Paragraph(note, s["note"]),
            Paragraph(_text(page.title), s["h2"]),
            *([_facts_table(page, width)] if page.facts else []),
            Paragraph(kpi_heading, s["h3"]),
            _kpi_table(page, width),
            Paragraph(obligation, s["after_table"]),
        ]
        if page.picture:
            story.append(_picture(page.picture, page.markers))
        else:
            story.append(Paragraph(_text(page.no_picture), s["after_table"]))
    document.build(story)
    return out.getvalue(), [starts[p.anchor] for p in part.pages], document.page
