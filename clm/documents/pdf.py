"""HTML (from the Jinja2 templates) to PDF with WeasyPrint; no network access."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint import Document


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


def documents_to_pdf(documents: list[Document]) -> bytes:
    """One PDF of the pages of several laid-out documents, in order (each laid out once)."""
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
