"""The regional analysis's document path: one picture per lot with a provider's values
marked on it, pages laid out in parts (in worker processes for a large region) and each
section cut out with only its own pictures."""

from __future__ import annotations

import base64
import io
import math
import os

import pandas as pd
import pytest
from pypdf import PdfReader

from clm.documents import pdf
from clm.documents.pdf import SECTIONS_PER_PART, Part, join_pdfs, lay_out_parts
from clm.documents.plots import distribution
from clm.documents.provider_pages import KpiLine, ProviderPage, ProviderPages
from clm.rules.config import Kpi


def _kpi(code: str, direction: str) -> Kpi:
    return Kpi(
        code=code,
        label=code.title(),
        unit="aantal",
        direction=direction,
        norm=5,
        minimum=0,
        maximum=100,
    )


def test_a_providers_values_are_marked_where_the_picture_draws_them() -> None:
    kpis = [_kpi("hoog", "higher"), _kpi("laag", "lower"), _kpi("leeg", "higher")]
    values = pd.DataFrame(
        [
            (p, k, v)
            for p, (a, b) in enumerate([(1, 1), (9, 9), (5, 5)])
            for k, v in (("hoog", a), ("laag", b), ("leeg", math.nan))
        ],
        columns=["provider_id", "kpi_code", "value"],
    )
    picture = distribution(values, kpis, {"hoog": 5, "laag": 5}, "Positie")
    assert picture.png.startswith(b"\x89PNG")
    assert set(picture.rows) == {"hoog", "laag"}  # a KPI without any value is not drawn
    left, right = picture.marker("hoog", 1), picture.marker("hoog", 9)
    assert left is not None and right is not None and left[0] < right[0]  # right is better
    best_low, worst_low = picture.marker("laag", 1), picture.marker("laag", 9)
    assert best_low[0] > worst_low[0]  # lower is better: turned round
    assert left[1] < best_low[1]  # the first KPI on top
    assert picture.marker("leeg", 3) is None and picture.marker("hoog", None) is None
    assert picture.marker("hoog", math.nan) is None
    x_min, x_max = picture.box[0] * 100, picture.box[1] * 100
    assert all(x_min <= m[0] <= x_max for m in (left, right, best_low, worst_low))


def _png(color: tuple[int, int, int]) -> str:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), color).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _sections(count: int, long_one: int | None = None) -> str:
    red, blue = _png((200, 0, 0)), _png((0, 0, 200))
    body = []
    for n in range(count):
        filler = "<p>regel</p>" * (90 if n == long_one else 1)
        picture = red if n % 2 else blue
        body.append(
            f'<section id="s{n}" style="page-break-before: always">'
            f'<h2>Aanbieder {n}</h2>{filler}<img src="{picture}"></section>'
        )
    return "<html><body>" + "".join(body) + "</body></html>"


def test_each_section_is_cut_with_its_own_pages_and_pictures_only() -> None:
    html = _sections(3, long_one=1)
    part = Part(html, ("s0", "s1", "s2"), frozenset({"s0", "s1"}))
    (laid_out,) = lay_out_parts([part])
    assert set(laid_out.sections) == {"s0", "s1"}  # s2 was not asked for
    whole = PdfReader(io.BytesIO(laid_out.pdf))
    first, second = (PdfReader(io.BytesIO(laid_out.sections[s])) for s in ("s0", "s1"))
    assert len(first.pages) == 1 and len(second.pages) >= 2  # the long one runs over
    assert len(whole.pages) == 1 + len(second.pages) + 1
    assert "Aanbieder 1" in second.pages[0].extract_text()
    assert "Aanbieder 2" not in " ".join(p.extract_text() for p in second.pages)
    for reader in (first, second):
        drawn = [
            name
            for page in reader.pages
            for name in page["/Resources"].get("/XObject", {}).keys()  # noqa: SIM118
        ]
        assert len(set(drawn)) == 1  # its own picture, not the other sections'


@pytest.mark.timeout(300)
def test_a_large_region_is_laid_out_by_worker_processes_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pools = []

    class CountedPool(pdf.ProcessPoolExecutor):
        def __init__(self, *args: object, **kwargs: object) -> None:
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pdf, "ProcessPoolExecutor", CountedPool)
    count = 2 * SECTIONS_PER_PART + 10
    names = [f"s{n}" for n in range(count)]
    html = _sections(count)
    line = KpiLine("Uitval", "percentage", "1,0", "2,0", "ja", "1,0", "1,0", "1,0", "1")
    drawn = ProviderPages(
        heading="Regioanalyse 2027-Q1",
        note="Regio.",
        kpi_heading="Indicatoren",
        pages=tuple(
            ProviderPage(f"d{n}", f"Getekend {n}", (), (line,), "geen plaatje") for n in range(2)
        ),
        cut=frozenset({"d1"}),
    )  # pages drawn directly go to the workers as well (sent pickled)
    parts = [Part("<p>Samenvatting</p>")] + [
        Part(html, tuple(names), frozenset(names[:2])),
        Part(_sections(3), ("s0", "s1", "s2"), frozenset({"s2"})),
        drawn,
    ]
    laid_out = lay_out_parts(parts)
    assert [len(p.sections) for p in laid_out] == [0, 2, 1, 1]
    joined = PdfReader(io.BytesIO(join_pdfs([p.pdf for p in laid_out])))
    assert len(joined.pages) == 1 + count + 3 + 2
    assert "Samenvatting" in joined.pages[0].extract_text()
    assert "Aanbieder 0" in joined.pages[1].extract_text()
    assert "Aanbieder 2" in joined.pages[-3].extract_text()
    assert "Getekend 1" in PdfReader(io.BytesIO(laid_out[3].sections["d1"])).pages[0].extract_text()
    cores = os.cpu_count() or 1
    assert pools == ([min(cores, 4)] if cores > 1 else [])  # one pool, a worker per core
