"""HTML (from the Jinja2 templates) to PDF with WeasyPrint; no network access.

Large documents (the regional analysis: a page per provider) are laid out in parts, in
parallel processes when there are enough pages to pay for starting them, then joined into
one PDF; a provider's own page is cut from it (pypdf), never laid out a second time. A part
is anything with ``sections`` and ``lay_out()``: HTML here (:class:`Part`), or pages drawn
directly (:mod:`clm.documents.provider_pages`).
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pypdf import PageObject
    from weasyprint import Document

# A part holds at most this many sections (provider pages): a part is held whole in memory
# while it is laid out. Below twice this, the parts are laid out in this process, as
# starting a worker would cost more than it saves.
SECTIONS_PER_PART = 50


def html_document(html: str) -> Document:
    """``html`` laid out in pages. Only inline ``data:`` resources (the plots) are read;
    anything else is refused: documents are self-contained and never touch the network."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).render()


def html_to_pdf(html: str) -> bytes:
    """A PDF of ``html`` (see :func:`html_document`)."""
    return html_document(html).write_pdf()


@dataclass(frozen=True)
class LaidOut:
    """A part as a PDF, and the sections asked for as PDFs of their own (by id)."""

    pdf: bytes
    sections: dict[str, bytes]


class Layable(Protocol):
    """A part of a large document: the ids of its sections in order (a section starts on a
    new page and runs to the next one), laid out as a PDF with the sections it was asked
    for as PDFs of their own."""

    @property
    def sections(self) -> tuple[str, ...]: ...

    def lay_out(self) -> LaidOut: ...


@dataclass(frozen=True)
class Part:
    """A part written as HTML: a section is an element with that id; ``cut`` the sections
    wanted as PDFs of their own."""

    html: str
    sections: tuple[str, ...] = ()
    cut: frozenset[str] = frozenset()

    def lay_out(self) -> LaidOut:
        """The part laid out by WeasyPrint, and its sections asked for cut from it."""
        document = html_document(self.html)
        first_page: dict[str, int] = {}
        for number, page in enumerate(document.pages):
            for name in page.anchors:
                first_page.setdefault(name, number)
        pdf = document.write_pdf()
        firsts = [first_page[s] for s in self.sections]
        return cut_sections(pdf, self.sections, firsts, len(document.pages), self.cut)


def cut_sections(
    pdf: bytes, sections: tuple[str, ...], firsts: list[int], pages: int, cut: frozenset[str]
) -> LaidOut:
    """``pdf`` of ``pages`` pages, with the sections in ``cut`` as PDFs of their own: a
    section runs from its first page (``firsts``, from 0, in the order of ``sections``) to
    the next one's."""
    ends = [*firsts[1:], pages][: len(firsts)]  # none for a part without sections
    ranges = dict(zip(sections, zip(firsts, ends, strict=True), strict=True))
    wanted = [s for s in sections if s in cut]
    return LaidOut(pdf, dict(zip(wanted, cut_pdf(pdf, [ranges[s] for s in wanted]), strict=True)))


def _lay_out(part: Layable) -> LaidOut:
    # a function of the module, not a method: what a worker process is sent must be pickled
    return part.lay_out()


def lay_out_parts(parts: list[Layable]) -> list[LaidOut]:
    """Each part laid out as its own PDF (and its sections cut from it), in order: by a
    worker process per core when the parts hold sections enough, else here."""
    sections = sum(len(p.sections) for p in parts)
    workers = min(os.cpu_count() or 1, len(parts))
    if workers <= 1 or sections < 2 * SECTIONS_PER_PART:
        return [part.lay_out() for part in parts]
    # spawn: a fresh interpreter, never a fork of a process that runs threads (Prefect)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_lay_out, parts))


def join_pdfs(pdfs: list[bytes]) -> bytes:
    """One PDF of the pages of ``pdfs``, in order."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def cut_pdf(pdf: bytes, ranges: list[tuple[int, int]]) -> list[bytes]:
    """A PDF per (first, end) range of pages of ``pdf`` (from 0, end not included), each
    holding only the pictures its own pages show."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    out = []
    for first, end in ranges:
        writer = PdfWriter()
        for number in range(first, end):
            writer.add_page(_own_pictures(reader.pages[number]))
        buffer = io.BytesIO()
        writer.write(buffer)
        out.append(buffer.getvalue())
    return out


_DRAWN = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")


def _own_pictures(page: PageObject) -> PageObject:
    """``page`` with only the pictures (XObjects) its content draws: WeasyPrint gives every
    page of a document the same resources, so a page cut out would carry all of them."""
    from pypdf.generic import DictionaryObject, NameObject

    resources = page["/Resources"].get_object()
    pictures = resources.get("/XObject")
    if pictures is None:
        return page
    drawn = {m.decode() for m in _DRAWN.findall(page.get_contents().get_data())}
    own = DictionaryObject(resources)
    own[NameObject("/XObject")] = DictionaryObject(
        {k: v for k, v in pictures.get_object().items() if k[1:] in drawn}
    )
    page[NameObject("/Resources")] = own
    return page
