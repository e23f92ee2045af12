"""The regional analysis's page per provider, drawn directly (ReportLab): where each
provider's pages start and what its own PDF holds, the marks on the lot's picture, and
text from the field (markup and control characters, long words, letters beyond Latin,
right-to-left names) drawn whole within the margins, nothing silently left out."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from clm.documents.provider_pages import KpiLine, ProviderPage, ProviderPages
from tests import office

A4_W, A4_H = 595.2756, 841.8898
MARGIN_X = 15 / 25.4 * 72


def _png(color: tuple[int, int, int], size: tuple[int, int] = (400, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def _row(label: str = "Uitval", missed: bool = False) -> KpiLine:
    return KpiLine(
        label, "percentage", "10,8", "10,0", "nee" if missed else "ja", "7,7", "8,2", "8,2",
        "4", missed=missed, obligation=True,
    )  # fmt: skip


def _page(anchor: str, title: str, rows: int = 15, **kwargs: object) -> ProviderPage:
    return ProviderPage(
        anchor=anchor,
        title=title,
        facts=(("Categorie", "2"), ("Open signalen", "1")),
        rows=tuple(_row(f"Indicator {n}", missed=n == 0) for n in range(rows)),
        no_picture="Geen gegevens over 2027-Q1: geen vergelijking met de andere aanbieders.",
        **kwargs,  # type: ignore[arg-type]
    )


def _part(pages: list[ProviderPage], cut: set[str] | None = None) -> ProviderPages:
    return ProviderPages(
        heading="Regioanalyse 2027-Q1",
        note="Regio Test. Peildatum 20 april 2027.",
        kpi_heading="Indicatoren 2027-Q1",
        pages=tuple(pages),
        cut=frozenset(p.anchor for p in pages) if cut is None else frozenset(cut),
    )


def _text(pdf: bytes) -> list[str]:
    """Each page's words, one space between them (a cell's line breaks aside)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_each_providers_pages_are_cut_with_its_own_text_and_picture_only() -> None:
    red, blue = _png((200, 0, 0)), _png((0, 0, 200))
    pages = [
        _page("p1", "Zorg Een (AGB 11111111)", picture=red, markers=((25.0, 50.0),)),
        _page("p2", "Zorg Twee (AGB 22222222)", rows=60),  # its table runs over pages
        _page("p3", "Zorg Drie (AGB 33333333)", picture=blue),
    ]
    laid_out = _part(pages, {"p1", "p2"}).lay_out()
    assert set(laid_out.sections) == {"p1", "p2"}  # p3 was not asked for
    first, second = (laid_out.sections[a] for a in ("p1", "p2"))
    one, two, whole = _text(first), _text(second), _text(laid_out.pdf)
    assert len(one) == 1 and len(two) >= 2 and len(whole) == 1 + len(two) + 1
    assert "Zorg Een (AGB 11111111)" in one[0] and "Mediaan perceel" in one[0]
    assert "Zorg Twee" not in " ".join(one)
    assert "Zorg Twee (AGB 22222222)" in two[0] and "Zorg Drie" not in " ".join(two)
    assert all(
        "Indicator" in t and "Kwart (1 = beste)" in t for t in two
    )  # the titles on each page
    assert "Indicator 59" in two[-1] and "Geen gegevens over 2027-Q1" in two[-1]
    for pdf, pictures in ((first, 1), (second, 0)):
        drawn = {
            name
            for page in PdfReader(io.BytesIO(pdf)).pages
            for name in page["/Resources"].get("/XObject", {}).keys()  # noqa: SIM118
        }
        assert len(drawn) == pictures  # its own picture, not the others'
    outline = PdfReader(io.BytesIO(laid_out.pdf)).outline
    assert [o.title for o in outline] == [p.title for p in pages]  # bookmarks per provider


def test_the_marks_sit_on_the_picture_where_its_percentages_say(tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip(office.missing() or "pdftoppm ontbreekt")
    marks = ((10.0, 20.0), (50.0, 50.0), (90.0, 80.0))
    page = _page("p1", "Zorg", rows=1, picture=_png((190, 190, 190)), markers=marks)
    (tmp_path / "p.pdf").write_bytes(_part([page]).lay_out().pdf)
    subprocess.run(
        ["pdftoppm", "-r", "72", "-png", "-singlefile", tmp_path / "p.pdf", tmp_path / "p"],
        check=True,
        timeout=60,
    )
    image = Image.open(tmp_path / "p.png").convert("RGB")
    pixels = image.load()
    w, h = image.size
    # the picture: the rows and columns mostly of its grey (text edges have grey pixels too)
    rows = [y for y in range(h) if sum(_grey(pixels[x, y]) for x in range(w)) > w / 2]
    columns = [x for x in range(w) if sum(_grey(pixels[x, y]) for y in rows) > len(rows) / 2]
    left, right, top, bottom = columns[0], columns[-1] + 1, rows[0], rows[-1] + 1
    assert abs(left - MARGIN_X) < 2 and abs(right - (A4_W - MARGIN_X)) < 2  # text width
    red = [(x, y) for x in range(w) for y in range(h) if _reddish(pixels[x, y])]
    for mx, my in marks:
        x, y = left + (right - left) * mx / 100, top + (bottom - top) * my / 100
        near = [(a, b) for a, b in red if abs(a - x) < 6 and abs(b - y) < 6]
        assert near, (mx, my)
        cx, cy = (sum(p[i] for p in near) / len(near) for i in (0, 1))
        assert abs(cx - x) < 1.5 and abs(cy - y) < 1.5, (mx, my, cx, cy, x, y)


def _grey(rgb: tuple[int, int, int]) -> bool:
    return rgb == (190, 190, 190)


def _reddish(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > 150 and g < 90 and b < 90


# Names as a provider file may hold them: clean_text lets through any printable text in NFC
POOLS = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "éëèêïíóöôüúàáçñÉËÖÜĲĳ",  # Dutch and its neighbours
    "ŁłŞşĞğŐőŰűČčŘřŽžÆæØøÅåß",  # Latin beyond Western Europe
    "ΣοφίαЖизньБогдан",  # Greek and Cyrillic
    "<>&\"'&amp;<b>/;:()[]{}%#*+-=.,!?€$@",  # markup and punctuation
    "\u00a0\u00ad\u2013\u2014\u2019\u201c\u201d\u2026",  # typography
]
RTL = "שלוםמרחבא"
UNDRAWN = "中文한국어😀𝐀"  # no glyph in DejaVu Sans (or beyond the BMP)


def _field_name(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(1, 8)):
        pool = rng.choice(POOLS)
        words.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 14))))
    if rng.random() < 0.15:
        words.append("X" * rng.randint(60, 190))  # one word wider than any column
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words) + 1), rng.choice(["\x00", "\x07", "\x1b", "\x7f"]))
    return " ".join(words)[:200]


def test_text_from_the_field_is_drawn_whole_within_the_margins(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip(office.missing() or "pdftotext ontbreekt")
    rng = random.Random(2027)
    names = [_field_name(rng) for _ in range(40)]
    names += [f"Stichting {RTL[:4]} 12 (Noord)", f"Zorg {UNDRAWN} BV", "A <b>B</b> &amp; C"]
    pages = [
        ProviderPage(
            anchor=f"p{n}",
            title=name,
            facts=(("Contractmanager", name), ("Percelen", "GGZ")),
            rows=(_row(name), _row()),
            no_picture=name,
        )
        for n, name in enumerate(names)
    ]
    laid_out = _part(pages).lay_out()  # nothing refused, nothing raised
    (tmp_path / "all.pdf").write_bytes(laid_out.pdf)
    read = office.pages(tmp_path / "all.pdf")
    for number, page in enumerate(read, 1):
        for word in page.words:  # within the text width: nothing runs into the margin
            assert word.x0 >= MARGIN_X - 1 and word.x1 <= A4_W - MARGIN_X + 1, (number, word)
    for name in names:
        own = subprocess.run(
            ["pdftotext", "-", "-"],
            input=laid_out.sections[f"p{names.index(name)}"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode()
        flat = "".join(own.split())
        shown = unicodedata.normalize("NFC", name)
        for ch in "\x00\x07\x1b\x7f\u00ad":
            shown = shown.replace(ch, "")
        for ch in UNDRAWN:
            shown = shown.replace(ch, "\ufffd")  # seen as missing, never silently dropped
        # word breaks and the reader's bidi marks aside, the whole name reads as written
        flat = flat.replace("\u202b", "").replace("\u202c", "").replace("\u00ad", "")
        assert "".join(shown.replace("\u00a0", " ").split()) in flat, name


def test_a_long_region_kpi_list_and_a_tall_picture_fit_the_pages() -> None:
    tall = _png((0, 120, 0), (300, 2000))  # taller than a page at the text's width
    laid_out = _part([_page("p1", "Zorg", rows=80, picture=tall)]).lay_out()
    reader = PdfReader(io.BytesIO(laid_out.pdf))
    assert len(reader.pages) >= 3
    assert all(abs(float(p.mediabox.width) - A4_W) < 1 for p in reader.pages)
    assert "Indicator 79" in " ".join(_text(laid_out.pdf))
