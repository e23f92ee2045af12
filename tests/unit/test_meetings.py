"""Rules of the quarterly cycle: months, quarters, attendees, slots, invites, agenda, sheet."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from clm.documents.datasheet import data_sheet_template, parse_data_sheet
from clm.documents.ics import meeting_invite
from clm.documents.rendering import render
from clm.errors import InvalidInput
from clm.rules.agenda import AGENDA
from clm.rules.config import RegionConfig, Role, StaffMember
from clm.rules.meetings import (
    cycle_year,
    next_meeting_month,
    optional_roles,
    plan_slots,
    previous_quarter,
    quarter_discussed,
    slots_in_month,
)

D = date


@pytest.mark.parametrize(
    ("as_of", "month"),
    [
        (D(2027, 3, 1), D(2027, 4, 1)),
        (D(2027, 4, 30), D(2027, 7, 1)),
        (D(2026, 11, 23), D(2027, 1, 1)),
        (D(2026, 12, 31), D(2027, 1, 1)),
        (D(2027, 1, 15), D(2027, 4, 1)),
    ],
)
def test_next_meeting_month(as_of: date, month: date) -> None:
    assert next_meeting_month(as_of) == month


def test_cycle_and_quarter() -> None:
    assert (cycle_year(D(2027, 4, 1)), quarter_discussed(D(2027, 4, 1))) == (2027, "2027-Q1")
    assert (cycle_year(D(2027, 10, 1)), quarter_discussed(D(2027, 10, 1))) == (2027, "2027-Q3")
    assert (cycle_year(D(2028, 1, 1)), quarter_discussed(D(2028, 1, 1))) == (2027, "2027-Q4")
    assert previous_quarter("2027-Q1") == "2026-Q4"
    assert previous_quarter("2027-Q3") == "2027-Q2"


@pytest.mark.parametrize(
    ("month", "role"), [(4, Role.POLICY), (7, Role.CONTROL), (10, Role.POLICY), (1, Role.CONTROL)]
)
def test_optional_attendees_by_month(month: int, role: Role) -> None:
    assert optional_roles(D(2027, month, 1)) == (role,)


def test_slots_skip_holidays_and_the_first_days(cfg: RegionConfig) -> None:
    slots = slots_in_month(D(2027, 4, 1), cfg.meetings, cfg.calendar)
    days = sorted({s.starts_at.date() for s in slots})
    assert days[0] == D(2027, 4, 5)  # 1 and 2 April are the first two working days
    assert D(2027, 4, 27) not in days  # King's Day
    assert all(d.isoweekday() <= 4 for d in days)  # Monday to Thursday only
    assert slots[0].starts_at.strftime("%H:%M") == "09:30"
    assert slots[0].ends_at - slots[0].starts_at == timedelta(minutes=75)


def test_no_double_booking(cfg: RegionConfig) -> None:
    # two extra support officers, so contract managers are the limit
    staff = [
        *cfg.staff,
        StaffMember(
            key="os-2", name="Twee", email="os2@regio.example.org", role=Role.SUPPORT_OFFICER
        ),
        StaffMember(
            key="cb-2",
            name="Beheer Twee",
            email="cb2@regio.example.org",
            role=Role.CONTRACT_ADMINISTRATION,
        ),
    ]
    cfg = cfg.model_copy(update={"staff": staff})
    requests = [(i, "cm-jansen" if i % 3 else "cm-bakker") for i in range(60)]
    bookings, unplanned = plan_slots(requests, D(2027, 4, 1), cfg)
    assert len(bookings) + len(unplanned) == 60
    seen: dict[tuple[datetime, str], int] = {}
    for b in bookings:
        for who in (
            b.contract_manager,
            b.support_officer,
            b.contract_administration,
            f"loc{b.location}",
        ):
            key = (b.slot.starts_at, who)
            assert key not in seen, f"{who} twice at {b.slot.starts_at}"
            seen[key] = b.provider_id
    # two managers meet at the same time in the two locations when staff allows
    starts = [b.slot.starts_at for b in bookings]
    assert len(set(starts)) < len(starts)
    # more requests than slots: the rest is reported, not squeezed in
    many = [(i, "cm-jansen") for i in range(500)]
    bookings, unplanned = plan_slots(many, D(2027, 4, 1), cfg)
    assert len(bookings) == len(slots_in_month(D(2027, 4, 1), cfg.meetings, cfg.calendar))
    assert unplanned == list(range(len(bookings), 500))


def _invite(sequence: int, cancelled: bool = False) -> str:
    start = datetime(2027, 4, 5, 7, 30).astimezone()
    return meeting_invite(
        uid="cvg-12345678-2027-04@regio.example.org",
        sequence=sequence,
        starts_at=start,
        ends_at=start + timedelta(minutes=75),
        summary="Contractvoortgangsgesprek X",
        description="d",
        location="Zaal 1",
        organizer=("Marieke Jansen", "m@regio.example.org"),
        attendees=[("Eva", "eva@zorg.example.org", True), ("Daan", "d@regio.example.org", False)],
        cancelled=cancelled,
    ).decode()


def test_invite_update_and_cancel_keep_the_uid() -> None:
    first, moved, cancelled = _invite(0), _invite(1), _invite(2, cancelled=True)
    for text in (first, moved, cancelled):
        assert "UID:cvg-12345678-2027-04@regio.example.org" in text
    assert "METHOD:REQUEST" in first and "SEQUENCE:0" in first
    assert "SEQUENCE:1" in moved
    assert "METHOD:CANCEL" in cancelled and "STATUS:CANCELLED" in cancelled
    assert "ROLE=OPT-PARTICIPANT;RSVP=TRUE:mailto:d@regio.example.org" in first.replace("\r\n ", "")


def test_agenda_contains_every_seed_002_item() -> None:
    class P:
        name, code, contact_name = "Zorg <b>&</b> Co", "12345678", "Eva"

    class M:
        location, location_url, quarter = "Zaal", "", "2027-Q1"

    start = datetime(2027, 4, 5, 9, 30)
    html = render(
        "agenda/agenda.html.j2",
        provider=P,
        meeting=M,
        starts_local=start,
        ends_local=start + timedelta(minutes=75),
        region_attendees=["A"],
        agenda=AGENDA,
        final=False,
        previous=None,
        open_actions=[],
        points=["Punt"],
        signals=["01-03-2027 (toegang): Klachten over bejegening"],
        quarter="2027-Q1",
        figures=[],
        previous_quarter="",
    )
    for item in AGENDA:
        assert f"{item.number}. {item.title}" in html
        for sub in item.subitems:
            assert sub.replace("'", "&#39;") in html
    for column in ("Gespreksonderwerp", "Verslag en actiepunten", "Actiehouder", "Deadline"):
        assert column in html
    assert "Zorg &lt;b&gt;&amp;&lt;/b&gt; Co" in html
    assert "Cliënttevredenheid" in html and "SROI" in html and "Rondvraag" in html
    assert "Klachten over bejegening" in html


def _sheet(tmp_path: Path, cfg: RegionConfig, edit=None, name: str = "g.xlsx") -> Path:  # noqa: ANN001
    path = tmp_path / name
    path.write_bytes(data_sheet_template("12345678", "Zorg", "2027-Q1", cfg.sheet_kpis))
    book = load_workbook(path)
    ws = book["Gegevens"]
    for r in range(6, 6 + len(cfg.sheet_kpis)):
        ws.cell(r, 5, 5)
    if edit:
        edit(ws)
    book.save(path)
    return path


def test_data_sheet_round_trip(tmp_path: Path, cfg: RegionConfig) -> None:
    sheet = parse_data_sheet(
        _sheet(tmp_path, cfg, lambda ws: setattr(ws.cell(6, 5), "value", None)),
        cfg.sheet_kpis,
        {"12345678"},
    )
    assert (sheet.provider_code, sheet.quarter) == ("12345678", "2027-Q1")
    assert sheet.values["uitval"] is None  # left empty: 'geen gegevens', not zero
    assert sheet.values["doelrealisatie"] == 5


BAD_SHEETS = {
    "unknown-provider": (lambda ws: ws.cell(1, 2, "99999999"), "rij 1, kolom 'AGB-code'"),
    "bad-quarter": (lambda ws: ws.cell(3, 2, "2027-5"), "rij 3, kolom 'Kwartaal'"),
    "not-a-number": (lambda ws: ws.cell(7, 5, "veel"), "rij 7, kolom 'Waarde': 'veel' is geen"),
    "above-maximum": (lambda ws: ws.cell(6, 5, 140), "rij 6, kolom 'Waarde': 140 valt buiten"),
    "negative": (lambda ws: ws.cell(8, 5, -1), "rij 8, kolom 'Waarde': -1 valt buiten"),
    "unknown-kpi": (lambda ws: ws.cell(6, 1, "geluk"), "rij 6, kolom 'Code': onbekende"),
    "duplicate-kpi": (lambda ws: ws.cell(7, 1, "uitval"), "rij 7, kolom 'Code': indicator"),
    "header-changed": (lambda ws: ws.cell(5, 5, "Getal"), "rij 5: kopregel gewijzigd"),
    "row-deleted": (
        lambda ws: [setattr(ws.cell(6 + 12, c), "value", None) for c in range(1, 7)],
        "indicatoren ontbreken: fraudemeldingen",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SHEETS))
def test_bad_data_sheets(tmp_path: Path, cfg: RegionConfig, case: str) -> None:
    edit, fragment = BAD_SHEETS[case]
    path = _sheet(tmp_path, cfg, edit)
    with pytest.raises(InvalidInput) as info:
        parse_data_sheet(path, cfg.sheet_kpis, {"12345678"})
    assert f"g.xlsx, {fragment}" in str(info.value) or fragment in str(info.value)
    assert "g.xlsx" in str(info.value)
    # a row that is there with a bad value is named once, never also as missing
    if "kolom 'Waarde'" in fragment:
        assert "ontbreken" not in str(info.value)


def test_wrong_sheet_and_not_excel(tmp_path: Path, cfg: RegionConfig) -> None:
    path = _sheet(tmp_path, cfg, lambda ws: setattr(ws, "title", "Blad1"))
    with pytest.raises(InvalidInput, match="tabblad 'Gegevens' ontbreekt"):
        parse_data_sheet(path, cfg.sheet_kpis, {"12345678"})
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"geen excel")
    with pytest.raises(InvalidInput, match="geen geldig Excel-bestand"):
        parse_data_sheet(bad, cfg.sheet_kpis, {"12345678"})
