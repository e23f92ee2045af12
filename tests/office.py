"""A provider's office suite for the tests: LibreOffice (headless) opens a document and
prints it to PDF; Poppler reads back each word with its place on the page."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from admin.samples import print_with_libreoffice

PACKAGES = "libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-crosextra-carlito"
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
)


def missing() -> str | None:
    """Why the office checks cannot run here, or None."""
    absent = [p for p in ("soffice", "pdftotext", "pdfinfo") if shutil.which(p) is None]
    if absent:
        return (
            f"{', '.join(absent)} ontbreekt: make test installeert het als root "
            f"(apt-get install {PACKAGES})"
        )
    return None


convert = print_with_libreoffice  # LibreOffice prints as a provider's program does


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: tuple[Word, ...]

    @property
    def tokens(self) -> set[str]:
        """Each word, and each word broken after a hyphen or slash joined to the next
        ('Noord-' 'Holland'): a break there is how text wraps, in a word's middle it is not."""
        texts = [w.text for w in self.words]
        joined = {a + b for a, b in zip(texts, texts[1:], strict=False) if a[-1] in "-/–"}
        return set(texts) | joined

    def line_of(self, text: str) -> float | None:
        """The top of the highest word ``text`` on this page."""
        return min((w.y0 for w in self.words if w.text == text), default=None)


def pages(pdf: Path) -> list[Page]:
    """The words of each page of a PDF with their boxes (pdftotext -bbox)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, timeout=120
    ).stdout.decode("utf-8")
    return [
        Page(
            float(width),
            float(height),
            tuple(
                Word(html.unescape(t), float(a), float(b), float(c), float(d))
                for a, b, c, d, t in _WORD.findall(body)
            ),
        )
        for width, height, body in _PAGE.findall(out)
    ]


def broken_or_missing(all_pages: list[Page], texts: list[str]) -> list[str]:
    """The texts of which a word is not on any page whole: cut off, broken in the middle
    over two lines, or missing."""
    tokens = set().union(*(p.tokens for p in all_pages))
    return [t for t in texts if any(word not in tokens for word in t.split())]


def outside(all_pages: list[Page]) -> list[str]:
    """Words that run off their page (cut off at its edge when printed)."""
    return [
        f"pagina {n}: {w.text!r}"
        for n, p in enumerate(all_pages, 1)
        for w in p.words
        if w.x0 < 0 or w.y0 < 0 or w.x1 > p.width + 0.5 or w.y1 > p.height + 0.5
    ]
