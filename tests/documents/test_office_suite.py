"""What providers receive, opened as they open it: LibreOffice prints the draft agenda and
the sheets to PDF, Poppler reads every word back with its place on the page, and a second
calendar library (vobject) reads the invites. A word broken over two lines in its middle,
cut off by a cell or the page edge, or missing, fails; so does a sheet that prints its
columns on separate pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import vobject

from clm.clock import REGION_TZ
from clm.documents.datasheet import COLUMNS, data_sheet_template
from clm.documents.minutes_sheet import ACTION_HEADER, ITEM_HEADER
from clm.rules.config import RegionConfig
from tests import office
from tests.documents.conftest import Printed

A4 = (595.3, 841.9)


def _agenda_texts(cfg: RegionConfig) -> list[str]:
    """The agenda's items and sub-items as the region configured them."""
    texts = []
    for item in cfg.agenda_items:
        texts.append(item.title)
        texts += item.subitems
    return texts


def _read(printed: Printed, kind: str) -> list[office.Page]:
    return office.pages(printed.pdf[kind])


def _check_whole(pages: list[office.Page], texts: list[str]) -> None:
    assert office.broken_or_missing(pages, texts) == []
    assert office.outside(pages) == []


def _same_line(page: office.Page, words: list[str]) -> bool:
    tops = {page.line_of(w) for w in words}
    return None not in tops and max(tops) - min(tops) < 2  # type: ignore[type-var]


def test_draft_agenda_opens_whole_in_writer(printed: Printed, cfg: RegionConfig) -> None:
    pages = _read(printed, "conceptagenda")
    assert 1 <= len(pages) <= 3
    assert all(abs(p.width - A4[0]) < 1 and abs(p.height - A4[1]) < 1 for p in pages)
    _check_whole(
        pages,
        [
            "Conceptagenda contractmanagementgesprek",
            "Naam aanbieder",
            "Datum gesprek en tijd",
            "Aanwezigen aanbieder",
            "Aanwezigen regio",
            "Type gesprek",
            printed.samples.provider_name,
            "Gespreksonderwerp",
            "Verslag en actiepunten",
            "Actiehouder",
            "Deadline",
            *_agenda_texts(cfg),
        ],
    )
    # the table runs over the pages: its header row heads each of them
    header = ["Gespreksonderwerp", "Verslag", "Actiehouder", "Deadline"]
    assert all(_same_line(p, header) for p in pages)


def test_data_sheet_prints_on_one_page_wide(printed: Printed, cfg: RegionConfig) -> None:
    pages = _read(printed, "gegevensblad")
    assert len(pages) == 1
    page = pages[0]
    assert page.width > page.height  # landscape
    assert _same_line(page, list(COLUMNS))  # every column on the one page
    _check_whole(
        pages,
        [
            printed.samples.provider_code,
            printed.samples.provider_name,
            *COLUMNS,
            *(k.code for k in cfg.sheet_kpis),
            *(k.label for k in cfg.sheet_kpis),
            *(k.unit for k in cfg.sheet_kpis),
        ],
    )


def test_data_sheet_is_protected_but_the_value_and_remark_cells(
    printed: Printed, tmp_path: Path, cfg: RegionConfig
) -> None:
    """Read back by LibreOffice (its own flat file): the sheet protected, and of the KPI rows
    only the value and remark cells open to the provider."""
    flat = office.convert([printed.samples.files["gegevensblad"]], tmp_path, to="fods")
    root = ET.parse(next(iter(flat.values()))).getroot()
    ns = {
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    }
    t, s = f"{{{ns['table']}}}", f"{{{ns['style']}}}"
    open_styles = {
        st.get(f"{s}name")
        for st in root.iter(f"{s}style")
        for props in st.iter(f"{s}table-cell-properties")
        if props.get(f"{s}cell-protect") == "none"
    }
    sheet = root.find(".//table:table[@table:name='Gegevens']", ns)
    assert sheet is not None and sheet.get(f"{t}protected") == "true"
    # a column's default style counts where a cell has none of its own
    column_styles: list[str | None] = []
    for col in sheet.iter(f"{t}table-column"):
        repeat = int(col.get(f"{t}number-columns-repeated", "1"))
        column_styles += [col.get(f"{t}default-cell-style-name")] * min(repeat, 20)
    codes = {k.code for k in cfg.sheet_kpis}
    seen = 0
    for row in sheet.iter(f"{t}table-row"):
        cells: list[tuple[str, str | None]] = []
        for cell in row:
            repeat = int(cell.get(f"{t}number-columns-repeated", "1"))
            text = "".join(cell.itertext()).strip()
            for _ in range(min(repeat, 20)):
                style = cell.get(f"{t}style-name")
                if style is None and len(cells) < len(column_styles):
                    style = column_styles[len(cells)]
                cells.append((text, style))
        unlocked = [c for c, (_, st) in enumerate(cells[:8]) if st in open_styles]
        if cells and cells[0][0] in codes:
            seen += 1
            assert unlocked == [4, 5], cells[0][0]  # Waarde and Toelichting
        else:
            assert unlocked == [], cells[:2]
    assert seen == len(codes)


def test_a_long_data_sheet_repeats_its_header_on_every_page(
    cfg: RegionConfig, tmp_path: Path
) -> None:
    """A main contractor with many subcontractors: a row per subcontractor of each KPI per
    organisation, over several pages, each with the column titles on top."""
    reason = office.missing()
    if reason:
        pytest.skip(reason)
    subcontractors = tuple(
        (f"{90000000 + i}", f"Onderaannemer Jeugdhulp en Gezinsbegeleiding nummer {i}")
        for i in range(40)
    )
    path = tmp_path / "gegevens-lang.xlsx"
    path.write_bytes(
        data_sheet_template("12345678", "Hoofdaannemer", "2027-Q1", cfg.sheet_kpis, subcontractors)
    )
    pages = office.pages(office.convert([path], tmp_path / "afdruk")[path])
    assert len(pages) > 1
    assert all(_same_line(p, list(COLUMNS)) for p in pages)
    per_organisation = [k for k in cfg.sheet_kpis if k.per_organisation]
    assert per_organisation
    _check_whole(
        pages,
        [f"{k.code}@{code}" for k in per_organisation for code, _ in subcontractors]
        + [name for _, name in subcontractors],
    )


def test_minutes_sheet_prints_whole(printed: Printed, cfg: RegionConfig) -> None:
    pages = _read(printed, "verslagblad")
    assert 1 <= len(pages) <= 5
    assert all(p.width > p.height for p in pages)
    _check_whole(
        pages,
        [
            "AGB-code",
            "Aanbieder",
            "Gespreksmaand",
            "Aanwezigen",
            printed.samples.provider_name,
            *ITEM_HEADER,
            *ACTION_HEADER,
            *_agenda_texts(cfg),
        ],
    )
    # each page of either sheet starts with its column titles
    for page in pages:
        assert _same_line(page, ["Agendapunt", "Onderwerp", "Besproken"]) or _same_line(
            page, ["Agendapunt", "Wat", "Actiehouder", "Deadline"]
        )


AGENDA_TEXTS = "(de agenda van de regio)"
PDF_KINDS = {
    # kind: (most pages, texts that must be whole on them)
    "agenda": (4, ["Agenda contractmanagementgesprek", AGENDA_TEXTS]),
    "verslag-concept": (3, ["Plan van aanpak voor 1 mei", "Benchmark delen"]),
    "verslag-definitief": (3, ["Plan van aanpak voor 1 mei", "Benchmark delen"]),
    "tredebrief": (2, ["Wachttijden twee kwartalen op rij ruim boven de norm"]),
    "groep-verslag": (3, ["Wachtlijstcijfers delen", "Artikel 8: normen voor wachttijd"]),
    "analysepagina": (2, ["Regioanalyse 2026-Q3", "Mediaan perceel"]),
    # the system's steps by their Dutch task names, staff by name
    "dossier": (20, ["systeem: jaarlijkse-classificatie", "systeem: kwartaalvoorbereiding"]),
}


@pytest.mark.parametrize("kind", sorted(PDF_KINDS))
def test_pdfs_are_whole_on_a4(printed: Printed, cfg: RegionConfig, kind: str) -> None:
    pages = _read(printed, kind)
    most, texts = PDF_KINDS[kind]
    if AGENDA_TEXTS in texts:
        texts = [t for t in texts if t != AGENDA_TEXTS] + _agenda_texts(cfg)
    assert 1 <= len(pages) <= most
    assert all(abs(p.width - A4[0]) < 1 and abs(p.height - A4[1]) < 1 for p in pages)
    own = [printed.samples.provider_name] if kind != "groep-verslag" else []
    _check_whole(pages, own + texts)
    words = {w.text for p in pages for w in p.words}
    assert not words & {"yearly-classification", "quarterly-preparation", "intake"}
    if kind == "agenda":  # the labels of the heading each on one line
        assert _same_line(pages[0], ["Datum", "gesprek", "tijd"])


def test_regional_analysis_is_whole_on_a4(printed: Printed, cfg: RegionConfig) -> None:
    pages = _read(printed, "regioanalyse")
    assert len(pages) > 40  # the summary and a page (or two) per provider
    assert all(abs(p.width - A4[0]) < 1 and abs(p.height - A4[1]) < 1 for p in pages)
    _check_whole(pages, ["Regioanalyse contractmanagement 2026-Q3"])


def _invite(printed: Printed, kind: str, method: str = "REQUEST") -> vobject.base.Component:
    cal = vobject.readOne(printed.samples.files[kind].read_text(encoding="utf-8"))
    assert cal.method.value == method
    return cal


def _check_event(event: vobject.base.Component) -> None:
    start, end = event.dtstart.value, event.dtend.value
    assert start.tzinfo is not None and end > start
    # vobject reads the zone from the file's VTIMEZONE: its offset is Amsterdam's that day
    for moment in (start, end):
        local = moment.replace(tzinfo=None).replace(tzinfo=REGION_TZ)
        assert moment.utcoffset() == local.utcoffset()
    assert event.organizer.value.startswith("mailto:") and event.organizer.params["CN"]
    roles = [a.params["ROLE"][0] for a in event.attendee_list]
    assert set(roles) <= {"REQ-PARTICIPANT", "OPT-PARTICIPANT"} and "REQ-PARTICIPANT" in roles
    assert all(a.value.startswith("mailto:") and a.params["CN"] for a in event.attendee_list)


def test_invites_read_by_a_second_calendar_library(printed: Printed) -> None:
    samples = printed.samples
    first = _invite(printed, "uitnodiging").vevent
    _check_event(first)
    assert first.uid.value == samples.meeting_uid
    start = first.dtstart.value.astimezone(REGION_TZ)
    assert start.replace(tzinfo=None) == samples.meeting_start.replace(tzinfo=None)
    assert start.utcoffset().total_seconds() == 7200  # April: summer time

    moved = _invite(printed, "verplaatst").vevent
    _check_event(moved)
    assert moved.uid.value == first.uid.value  # replaces the first in the calendar
    assert int(moved.sequence.value) > int(first.sequence.value)
    assert moved.dtstart.value.astimezone(REGION_TZ) == samples.moved_start

    cancelled = _invite(printed, "geannuleerd", method="CANCEL").vevent
    _check_event(cancelled)
    assert cancelled.uid.value == first.uid.value and cancelled.status.value == "CANCELLED"
    assert int(cancelled.sequence.value) > int(moved.sequence.value)

    group = _invite(printed, "groep-uitnodiging").vevent
    _check_event(group)
    assert group.uid.value != first.uid.value


LONG_NAME = (
    "Stichting Regionale Jeugdhulp en Gezinsbegeleiding voor Kinderen, Jongeren en Ouders "
    "in de Gemeenten Almere, Lelystad, Dronten, Zeewolde, Urk en Noordoostpolder (Flevoland)"
)[:200]
LONG_PLACE = (
    "Stadhuis Almere, Stadhuisplein 1, vergaderzaal De Flevolandzaal op de derde verdieping, "
    "ingang aan de achterzijde naast de fietsenstalling; meld u bij de receptie beneden"
)


def test_the_longest_values_stay_whole(cfg: RegionConfig, tmp_path: Path) -> None:
    """Names and places as long as the database holds them wrap within their cells."""
    reason = office.missing()
    if reason:
        pytest.skip(reason)
    from datetime import datetime, timedelta
    from types import SimpleNamespace

    from clm.documents.agenda_docx import agenda_docx
    from clm.documents.minutes_sheet import minutes_template

    start = datetime(2027, 4, 5, 9, 30)
    attendees = [f"Medewerker nummer {i} (contractbeheer, beleid en verslag)" for i in range(8)]
    context = {
        "provider": SimpleNamespace(name=LONG_NAME, code="12345678", contact_name=LONG_NAME),
        "meeting": SimpleNamespace(location=LONG_PLACE, location_url="", quarter="2027-Q1"),
        "starts_local": start,
        "ends_local": start + timedelta(minutes=75),
        "region_attendees": attendees,
        "agenda": cfg.agenda_items,
        "final": False,
        "previous": None,
        "open_actions": [],
        "points": [LONG_PLACE],
        "signals": [],
    }
    files = {
        "agenda": tmp_path / "agenda.docx",
        "sheet": tmp_path / "gegevens.xlsx",
        "minutes": tmp_path / "verslag.xlsx",
    }
    files["agenda"].write_bytes(agenda_docx(context))
    files["sheet"].write_bytes(
        data_sheet_template("12345678", LONG_NAME, "2027-Q1", cfg.sheet_kpis)
    )
    files["minutes"].write_bytes(
        minutes_template("12345678", LONG_NAME, "2027-04", cfg.agenda_items)
    )
    printed = office.convert(list(files.values()), tmp_path / "afdruk")
    for kind, path in files.items():
        pages = office.pages(printed[path])
        texts = [LONG_NAME] + ([LONG_PLACE, *attendees] if kind == "agenda" else [])
        assert office.broken_or_missing(pages, texts) == [], kind
        assert office.outside(pages) == [], kind
    assert len(office.pages(printed[files["sheet"]])) == 1
