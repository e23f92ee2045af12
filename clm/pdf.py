"""HTML (from the Jinja2 templates) to PDF with WeasyPrint; no network access."""

from __future__ import annotations

import logging


def html_to_pdf(html: str) -> bytes:
    """A PDF of ``html``. External resources are refused: documents are self-contained."""
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict:
        raise ValueError(f"extern bestand niet toegestaan: {url}")

    return weasyprint.HTML(string=html, url_fetcher=no_fetch).write_pdf()
