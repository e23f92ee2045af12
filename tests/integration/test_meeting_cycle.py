"""The quarterly cycle on a real database: plan, request, take in, remind, final agenda,
move, cancel, extra attendees."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from clm.clock import REGION_TZ
from clm.documents.datasheet import data_sheet_template
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig, Role
from clm.services.classification import (
    ReferencePeriod,
    compute_classification,
    store_classification,
)
from clm.services.data_intake import take_in_data_sheet
from clm.services.followup import remind_missing_data, send_due_final_agendas
from clm.services.meeting_changes import (
    add_agenda_point,
    cancel_meeting,
    move_meeting,
    request_extra_attendee,
)
from clm.services.meetings import as_utc, prepare_month
from clm.storage.db import UnitOfWork
from clm.storage.models import Meeting, OutboxAttachment, OutboxMessage, Provider, Signal
from tests.conftest import AS_OF, count, table_counts

pytestmark = pytest.mark.slow  # over ten seconds of a worker: not in make test-quick

APRIL, JULY = date(2027, 4, 1), date(2027, 7, 1)


@pytest.fixture
def classified(demo_db: str, cfg: RegionConfig) -> RegionConfig:
    period = ReferencePeriod.calendar_year(AS_OF.year - 1)
    result = compute_classification(UnitOfWork(), cfg, AS_OF.year + 1, period)
    store_classification(UnitOfWork(), cfg, AS_OF.year + 1, period, result, AS_OF)
    return cfg


def _meetings(month: date) -> list[tuple[Meeting, Provider]]:
    with UnitOfWork() as uow:
        rows = uow.session.execute(
            select(Meeting, Provider)
            .join(Provider)
            .where(Meeting.meeting_month == month)
            .order_by(Meeting.starts_at)
        ).all()
        return [(m, p) for m, p in rows]


def test_preparation_plans_once_with_attachments(classified: RegionConfig) -> None:
    summary = prepare_month(UnitOfWork(), classified, APRIL, date(2027, 3, 1))
    assert (summary.planned, summary.messages, summary.unplanned) == (40, 40, [])
    before = table_counts()
    again = prepare_month(UnitOfWork(), classified, APRIL, date(2027, 3, 2))
    assert (again.planned, again.already_planned, again.messages) == (0, 40, 0)
    assert table_counts() == before
    with UnitOfWork() as uow:
        names = uow.session.scalars(select(OutboxAttachment.filename)).all()
    assert len(names) == 120
    assert sum(n.endswith(".docx") for n in names) == 40
    assert names.count("uitnodiging.ics") == 40
    assert sum(n.endswith(".xlsx") for n in names) == 40
    policy = {s.key for s in classified.staff_with_role(Role.POLICY)}
    meetings = _meetings(APRIL)
    assert all(set(m.optional_staff) == policy for m, _ in meetings)
    assert all(m.data_deadline < m.final_agenda_due < m.starts_at.date() for m, _ in meetings)


def test_only_categories_meeting_that_month_and_control_in_july(classified: RegionConfig) -> None:
    prepare_month(UnitOfWork(), classified, JULY, date(2027, 6, 1))
    with UnitOfWork() as uow:
        expected = uow.session.scalar(
            select(func.count())
            .select_from(Provider)
            .join(Meeting, Meeting.provider_id == Provider.id, isouter=True)
            .where(Meeting.meeting_month == JULY)
        )
    from clm.storage.models import ClassificationRow

    with UnitOfWork() as uow:
        categories = uow.session.scalars(
            select(ClassificationRow.category)
            .join(Meeting, Meeting.provider_id == ClassificationRow.provider_id)
            .where(Meeting.meeting_month == JULY)
        ).all()
    assert expected and set(categories) <= {1, 2}
    control = {s.key for s in classified.staff_with_role(Role.CONTROL)}
    assert all(set(m.optional_staff) == control for m, _ in _meetings(JULY))


def _fill_sheet(
    tmp_path: Path, cfg: RegionConfig, code: str, quarter: str, values: dict | None = None
) -> Path:
    """The provider's data sheet with every figure 4, or the value in ``values`` by KPI code."""
    path = tmp_path / f"gegevens-{code}.xlsx"
    path.write_bytes(data_sheet_template(code, "x", quarter, cfg.sheet_kpis))
    book = load_workbook(path)
    for r, kpi in enumerate(cfg.sheet_kpis, 6):
        book["Gegevens"].cell(r, 5, (values or {}).get(kpi.code, 4))
    book.save(path)
    return path


def test_reminder_once_signal_once_and_catch_up(classified: RegionConfig, tmp_path: Path) -> None:
    prepare_month(UnitOfWork(), classified, APRIL, date(2027, 3, 1))
    meetings = _meetings(APRIL)
    first, provider = meetings[0]
    take_in_data_sheet(
        UnitOfWork(),
        classified,
        _fill_sheet(tmp_path, classified, provider.code, "2027-Q1"),
        date(2027, 3, 10),
    )
    day = first.data_deadline
    # on the deadline itself nothing is late yet
    assert remind_missing_data(UnitOfWork(), classified, day) == (0, 0)
    late = [m for m, _ in meetings if m.data_deadline < date(2027, 3, 25)]
    reminders, signals = remind_missing_data(UnitOfWork(), classified, date(2027, 3, 25))
    assert (reminders, signals) == (len(late) - 1, 0)  # the one that delivered is left alone
    before = table_counts()
    assert remind_missing_data(UnitOfWork(), classified, date(2027, 3, 25)) == (0, 0)
    assert table_counts() == before
    # the sweep missed a week: what is due now is caught up, each once
    reminders, signals = remind_missing_data(UnitOfWork(), classified, date(2027, 4, 6))
    assert signals == len(late) - 1
    with UnitOfWork() as uow:
        data_signals = uow.session.scalars(
            select(Signal.key).where(Signal.key.like("%:data-signal"))
        ).all()
        kpi_signals = uow.session.scalars(
            select(Signal.key).where(Signal.key.like("obligation:%") | Signal.key.like("kpi:%"))
        ).all()
    assert len(data_signals) == len(late) - 1
    # the delivered sheet (every figure 4) misses several norms; from 2026 every KPI with a
    # norm is a result obligation (seed 002): one obligation signal per KPI missed
    prefix = f"obligation:{provider.code}:2027-Q1:"
    assert kpi_signals and all(k.startswith(prefix) for k in kpi_signals)
    assert remind_missing_data(UnitOfWork(), classified, date(2027, 4, 6)) == (0, 0)


def test_final_agenda_with_points_and_figures(classified: RegionConfig, tmp_path: Path) -> None:
    prepare_month(UnitOfWork(), classified, APRIL, date(2027, 3, 1))
    meeting, provider = _meetings(APRIL)[0]
    take_in_data_sheet(
        UnitOfWork(),
        classified,
        _fill_sheet(tmp_path, classified, provider.code, "2027-Q1"),
        date(2027, 3, 10),
    )
    # the provider gets a receipt: what arrived, and where it will be discussed
    with UnitOfWork() as uow:
        receipts = uow.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.key.like(f"data:{provider.code}:2027-Q1:%"),
            )
        ).all()
    assert len(receipts) == 1
    receipt = receipts[0]
    assert receipt.to_addrs == [provider.contact_email]
    # a corrected sheet can be sent as a reply: the receipt carries the meeting's reference
    assert (
        receipt.subject
        == f"Ontvangen: uw gegevens over het 1e kwartaal 2027 [CLM-{receipt.reference}]"
    )
    assert f"{len(classified.sheet_kpis)} van de {len(classified.sheet_kpis)}" in receipt.body_text
    assert "Cliënttevredenheid (CTO): 4,0" in receipt.body_text  # a mark keeps its decimal
    assert "Aantal wachtenden: 4\n" in receipt.body_text  # a whole count has none
    assert "onder punt 4f van de definitieve agenda" in receipt.body_text
    assert add_agenda_point(
        UnitOfWork(), provider.code, APRIL, "Uitbreiding naar <Urk>", "Eva", date(2027, 3, 12)
    )
    assert not add_agenda_point(
        UnitOfWork(), provider.code, APRIL, "Uitbreiding naar <Urk>", "Eva", date(2027, 3, 12)
    )
    due = meeting.final_agenda_due
    sent = send_due_final_agendas(UnitOfWork(), classified, due)
    assert sent >= 1
    assert send_due_final_agendas(UnitOfWork(), classified, due) == 0
    with UnitOfWork() as uow:
        html = uow.session.scalar(
            select(OutboxMessage.body_html).where(
                OutboxMessage.key.like(f"%{provider.code}:final-agenda")
            )
        )
    assert "Uitbreiding naar &lt;Urk&gt;" in html
    assert "4f. Ontwikkelingen in cijfers: aangeleverde gegevens over het 1e kwartaal 2027" in html
    assert "Cliënttevredenheid (CTO)" in html
    assert "Uw eigen bespreekpunten staan onder punt 3." in html
    with UnitOfWork() as uow:
        text = uow.session.scalar(
            select(OutboxMessage.body_text).where(
                OutboxMessage.key.like(f"%{provider.code}:final-agenda")
            )
        )
    assert "Uw eigen bespreekpunten staan onder punt 3:\n- Uitbreiding naar <Urk>" in text


def test_final_agenda_themes_and_benchmark(classified: RegionConfig, tmp_path: Path) -> None:
    """Seed 004: the opening recalls the shared ambition, the five themes are on the agenda,
    and the delivered figures stand against the other providers in the same care type.

    Four providers of one care type deliver a client satisfaction of 6, 7, 8 and 9: their
    median is 7,5; the quartiles are 6,75 and 8,25, so 9 is among the best quarter and 6
    among the weakest (higher is better). A provider that delivered nothing is told so."""
    prepare_month(UnitOfWork(), classified, APRIL, date(2027, 3, 1))
    meetings = _meetings(APRIL)
    lots: dict[str, list[Provider]] = {}
    for _meeting, provider in meetings:
        for lot in provider.care_types.split(","):
            lots.setdefault(lot, []).append(provider)
    lot, providers = max(lots.items(), key=lambda kv: len(kv[1]))
    assert len(providers) >= 5, "the demo world needs five providers in one care type"
    scored = providers[:4]
    for provider, score in zip(scored, (6, 7, 8, 9), strict=True):
        take_in_data_sheet(
            UnitOfWork(),
            classified,
            _fill_sheet(
                tmp_path, classified, provider.code, "2027-Q1", {"clienttevredenheid": score}
            ),
            date(2027, 3, 10),
        )
    silent = next(p for _m, p in meetings if p not in scored)
    for day in sorted({m.final_agenda_due for m, _p in meetings}):  # the sweep, day by day
        send_due_final_agendas(UnitOfWork(), classified, day)

    def mail(code: str) -> str:
        with UnitOfWork() as uow:
            return uow.session.scalar(
                select(OutboxMessage.body_text).where(
                    OutboxMessage.key.like(f"%{code}:final-agenda")
                )
            )

    best, weakest = mail(scored[3].code), mail(scored[0].code)
    for text in (best, weakest):
        assert (
            "Onder 4f bespreken we de gegevens die u over het 1e kwartaal 2027 aanleverde" in text
        )
    with UnitOfWork() as uow:
        html = uow.session.scalar(
            select(OutboxMessage.body_html).where(
                OutboxMessage.key.like(f"%{scored[3].code}:final-agenda")
            )
        )
    # the opening and every theme of seed 004, in the seed-002 format
    assert (
        "Gedeelde ambitie: het realiseren van passende, effectieve en beschikbare jeugdhulp" in html
    )
    for theme in (
        "Ontwikkelingen in cijfers",
        "Financiële voortgang",
        "Kwaliteit en risico&#39;s",
        "Organisatie en samenwerking",
        "Beleidscontext",
    ):
        assert theme in html, theme
    assert f"{lot}: mediaan 7,5 (4 aanbieders), bij de beste 25%" in html
    with UnitOfWork() as uow:
        weak_html = uow.session.scalar(
            select(OutboxMessage.body_html).where(
                OutboxMessage.key.like(f"%{scored[0].code}:final-agenda")
            )
        )
    assert f"{lot}: mediaan 7,5 (4 aanbieders), bij de zwakste 25%" in weak_html
    assert "Wij hebben van u geen gegevens over het 1e kwartaal 2027 ontvangen" in mail(silent.code)


def _ics(key_like: str) -> str:
    with UnitOfWork() as uow:
        content = uow.session.scalar(
            select(OutboxAttachment.content)
            .join(OutboxMessage)
            .where(OutboxMessage.key.like(key_like), OutboxAttachment.filename == "uitnodiging.ics")
        )
    return content.decode().replace("\r\n ", "")


def test_move_and_cancel_replace_the_invite(classified: RegionConfig) -> None:
    prepare_month(UnitOfWork(), classified, APRIL, date(2027, 3, 1))
    meetings = _meetings(APRIL)
    meeting, provider = meetings[0]
    assert move_meeting(
        UnitOfWork(),
        classified,
        provider.code,
        APRIL,
        datetime(2027, 4, 21, 10, 0),
        None,
        "cm-jansen",
        date(2027, 3, 5),
    )
    assert not move_meeting(
        UnitOfWork(),
        classified,
        provider.code,
        APRIL,
        datetime(2027, 4, 21, 10, 0),
        None,
        "cm-jansen",
        date(2027, 3, 5),
    )
    moved = _ics(f"%{provider.code}:moved:s1")
    assert f"UID:{meeting.uid}" in moved and "SEQUENCE:1" in moved
    assert "DTSTART;TZID=Europe/Amsterdam:20270421T100000" in moved  # 08:00 UTC
    # the same contract manager elsewhere at that time: refused, nothing written
    other = next(m for m, _ in meetings[1:] if m.contract_manager == meeting.contract_manager)
    local = as_utc(other.starts_at).astimezone(REGION_TZ)
    before = table_counts()
    with pytest.raises(InvalidInput, match="al een ander gesprek"):
        move_meeting(
            UnitOfWork(),
            classified,
            provider.code,
            APRIL,
            local.replace(tzinfo=None),
            None,
            "cm-jansen",
            date(2027, 3, 5),
        )
    assert table_counts() == before
    assert cancel_meeting(
        UnitOfWork(), classified, provider.code, APRIL, "ziekte", "cm-jansen", date(2027, 3, 6)
    )
    assert not cancel_meeting(
        UnitOfWork(), classified, provider.code, APRIL, "ziekte", "cm-jansen", date(2027, 3, 6)
    )
    cancelled = _ics(f"%{provider.code}:cancelled:s2")
    assert "METHOD:CANCEL" in cancelled and f"UID:{meeting.uid}" in cancelled


def test_extra_attendee_only_after_agreement(classified: RegionConfig) -> None:
    prepare_month(UnitOfWork(), classified, APRIL, date(2027, 3, 1))
    meeting, provider = _meetings(APRIL)[0]
    assert (
        request_extra_attendee(
            UnitOfWork(),
            classified,
            provider.code,
            APRIL,
            "ctl-meijer",
            "requested",
            "",
            "cm-jansen",
            date(2027, 3, 2),
        )
        == "requested"
    )
    assert "ctl-meijer" not in _meetings(APRIL)[0][0].optional_staff
    messages = count(OutboxMessage)
    request_extra_attendee(
        UnitOfWork(),
        classified,
        provider.code,
        APRIL,
        "ctl-meijer",
        "accepted",
        "per mail",
        "cm-jansen",
        date(2027, 3, 3),
    )
    assert "ctl-meijer" in _meetings(APRIL)[0][0].optional_staff
    assert count(OutboxMessage) == messages + 1
    assert "d.meijer@regio.example.org" in _ics(f"%{provider.code}:attendee:s1")
