"""The life of one meeting's minutes and actions on a real database."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from clm.errors import InvalidInput
from clm.rules.calendar import add_working_days, working_days_before
from clm.rules.config import RegionConfig
from clm.rules.minutes import ActionDraft, ItemDraft, MinutesDraft
from clm.services import actions as actions_svc
from clm.services import minutes as svc
from clm.services import views
from clm.services.meetings import prepare_month
from clm.storage.db import UnitOfWork
from clm.storage.models import (
    ActionItem,
    DossierDocument,
    DossierEvent,
    Meeting,
    Minutes,
    MinutesVersion,
    OutboxMessage,
    Provider,
    Signal,
)
from tests.conftest import AS_OF, count, table_counts
from tests.helpers import filled_minutes_sheet

pytestmark = pytest.mark.slow  # over ten seconds of a worker: not in make test-quick

APRIL = date(2027, 4, 1)


@pytest.fixture
def meeting(april_db: tuple[str, date]) -> tuple[str, date]:
    """A planned April meeting: (provider code, meeting day)."""
    return april_db


def note_manager(code: str) -> str:
    """The contract manager of the provider's April meeting."""
    with UnitOfWork() as uow:
        return uow.session.scalar(
            select(Meeting.contract_manager)
            .join(Provider, Provider.id == Meeting.provider_id)
            .where(Provider.code == code)
        )


def _draft(
    day: date,
    text: str = "Wachtlijst besproken",
    owner_side: str = "provider",
    deadline: date | None = None,
) -> MinutesDraft:
    return MinutesDraft(
        ["Eva de Vries (aanbieder)", "Marieke Jansen"],
        [ItemDraft("1", "Opening"), ItemDraft("4b", text, "Plan van aanpak voor 1 mei")],
        [
            ActionDraft(
                "4b",
                "Plan van aanpak wachtlijst",
                owner_side,
                "Eva de Vries" if owner_side == "provider" else "cm-jansen",
                deadline or day + timedelta(days=30),
            )
        ],
    )


def test_the_life_of_the_minutes(cfg: RegionConfig, meeting: tuple[str, date]) -> None:
    code, day = meeting
    assert (
        svc.record_minutes(UnitOfWork(), cfg, code, APRIL, _draft(day), "os-mulder", day)
        == "recorded"
    )
    before = table_counts()
    assert (
        svc.record_minutes(UnitOfWork(), cfg, code, APRIL, _draft(day), "os-mulder", day)
        == "unchanged"
    )
    assert table_counts() == before
    assert (
        svc.record_minutes(UnitOfWork(), cfg, code, APRIL, _draft(day, "Anders"), "os-mulder", day)
        == "replaced"
    )

    sent_on = add_working_days(day, 3, cfg.calendar)
    assert svc.release_minutes(UnitOfWork(), cfg, code, APRIL, "os-mulder", sent_on) == 1
    assert svc.release_minutes(UnitOfWork(), cfg, code, APRIL, "os-mulder", sent_on) == 0
    with UnitOfWork() as uow:
        m = uow.session.scalar(select(Minutes))
        subject = uow.session.scalar(
            select(OutboxMessage.subject).where(OutboxMessage.key.like("minutes:%:v1"))
        )
    due = m.reaction_due
    assert due >= sent_on + timedelta(days=7)
    assert f"reactie uiterlijk {due:%d-%m-%Y}" in subject
    # sent: recording is refused until the provider comments
    with pytest.raises(InvalidInput, match="registreer eerst de reactie"):
        svc.record_minutes(UnitOfWork(), cfg, code, APRIL, _draft(day, "x"), "os-mulder", sent_on)

    assert (
        svc.register_reaction(
            UnitOfWork(),
            cfg,
            code,
            APRIL,
            False,
            {"4b": "Deadline is 15 mei"},
            "os-mulder",
            sent_on + timedelta(days=2),
        )
        == "comments"
    )
    # the contract manager and the support officer hear of the comments at once
    with UnitOfWork() as uow:
        note = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key.like("reaction:%:staff"))
        )
    assert set(note.to_addrs) == {"l.mulder@regio.example.org"} | {
        s.email for s in cfg.staff if s.key == note_manager(code)
    }
    assert "punt 4b: Deadline is 15 mei" in note.body_text
    svc.record_minutes(
        UnitOfWork(),
        cfg,
        code,
        APRIL,
        _draft(day, "Anders", deadline=date(2027, 5, 15)),
        "os-mulder",
        sent_on + timedelta(days=3),
    )
    assert (
        svc.release_minutes(
            UnitOfWork(), cfg, code, APRIL, "os-mulder", sent_on + timedelta(days=3)
        )
        == 2
    )
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(Minutes.reaction_due)) == due  # no new week (config)
        revised = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key.like("minutes:%:v2"))
        )
    # the revision says what changed against version 1: only the action's deadline moved
    assert "Gewijzigd ten opzichte van versie 1:" in revised.body_text, revised.body_text
    assert "- Actiepunt bij 4b nieuw of gewijzigd: Plan van aanpak wachtlijst" in revised.body_text
    assert "Agendapunt" not in revised.body_text.split("Gewijzigd")[1].split("U kunt")[0]

    # the sweep: nothing on the last day to react, final the day after, then nothing more
    assert svc.finalise_due_minutes(UnitOfWork(), cfg, due) == 0
    assert svc.finalise_due_minutes(UnitOfWork(), cfg, due + timedelta(days=1)) == 1
    before = table_counts()
    assert svc.finalise_due_minutes(UnitOfWork(), cfg, due + timedelta(days=1)) == 0
    assert table_counts() == before
    with UnitOfWork() as uow:
        versions = uow.session.execute(
            select(MinutesVersion.version, MinutesVersion.final).order_by(MinutesVersion.id)
        ).all()
        kinds = uow.session.scalars(
            select(DossierEvent.kind)
            .where(DossierEvent.kind.like("minutes%"))
            .order_by(DossierEvent.id)
        ).all()
    assert versions == [(1, False), (2, False), (2, True)]
    assert kinds == [
        "minutes_draft",
        "minutes_draft",
        "minutes_sent",
        "minutes_reaction",
        "minutes_draft",
        "minutes_sent",
        "minutes_final",
    ]
    assert count(DossierDocument) == 1
    # a copy on request: the final version, once a day
    assert svc.send_copy(UnitOfWork(), cfg, code, APRIL, "Eva", due + timedelta(days=5)) == "final"
    assert (
        svc.send_copy(UnitOfWork(), cfg, code, APRIL, "Eva", due + timedelta(days=5)) == "unchanged"
    )


def test_agreement_makes_the_minutes_final_at_once(
    cfg: RegionConfig, meeting: tuple[str, date]
) -> None:
    code, day = meeting
    svc.record_minutes(UnitOfWork(), cfg, code, APRIL, _draft(day), "os-mulder", day)
    assert svc.send_copy(UnitOfWork(), cfg, code, APRIL, "Eva", day) == "draft"
    with UnitOfWork() as uow:
        html = uow.session.scalar(
            select(OutboxMessage.body_html).where(OutboxMessage.key.like("minutes:%:copy:%"))
        )
    assert "CONCEPT" in html
    svc.release_minutes(UnitOfWork(), cfg, code, APRIL, "os-mulder", day)
    assert (
        svc.register_reaction(
            UnitOfWork(), cfg, code, APRIL, True, {}, "os-mulder", day + timedelta(days=1)
        )
        == "final"
    )
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(Minutes.status)) == "final"
    with pytest.raises(InvalidInput, match="al definitief"):
        svc.record_minutes(
            UnitOfWork(), cfg, code, APRIL, _draft(day, "x"), "os-mulder", day + timedelta(days=2)
        )


@pytest.mark.parametrize(
    ("case", "fragment"),
    [
        ("unknown-meeting", "geen gesprek met"),
        ("future-meeting", "het gesprek is pas op"),
        ("no-owner", "actie zonder actiehouder"),
        ("deadline-before-meeting", "ligt vóór het gesprek"),
        ("unknown-staff", "Onbekende medewerker"),
    ],
)
def test_bad_minutes_write_nothing(
    cfg: RegionConfig, meeting: tuple[str, date], case: str, fragment: str
) -> None:
    code, day = meeting
    month, as_of, draft, by = APRIL, day, _draft(day), "os-mulder"
    if case == "unknown-meeting":
        month = date(2026, 10, 1)  # no meeting with this provider that month
    elif case == "future-meeting":
        as_of = day - timedelta(days=1)
    elif case == "no-owner":
        draft = MinutesDraft(
            draft.attendees, draft.items, [ActionDraft("4b", "Iets", "provider", "", day)]
        )
    elif case == "deadline-before-meeting":
        draft = _draft(day, deadline=day - timedelta(days=1))
    elif case == "unknown-staff":
        by = "niemand"
    before = table_counts()
    with pytest.raises(Exception, match=fragment):
        svc.record_minutes(UnitOfWork(), cfg, code, month, draft, by, as_of)
    assert table_counts() == before


def test_late_minutes_signal_once_after_two_weeks(
    cfg: RegionConfig, meeting: tuple[str, date]
) -> None:
    """Seed 004: "binnen twee weken gedeeld": the fourteenth calendar day after the meeting
    is the last; the signal comes the day after, once."""
    code, day = meeting
    limit = day + timedelta(days=14)
    assert svc.signal_late_minutes(UnitOfWork(), cfg, limit) == 0
    first = svc.signal_late_minutes(UnitOfWork(), cfg, limit + timedelta(days=1))
    assert first >= 1
    with UnitOfWork() as uow:
        keys = uow.session.scalars(select(Signal.key)).all()
    assert any(code in k for k in keys)
    before = table_counts()
    assert svc.signal_late_minutes(UnitOfWork(), cfg, limit + timedelta(days=1)) == 0
    assert table_counts() == before


def test_action_reminders_once_each_and_on_the_next_agenda(
    cfg: RegionConfig, meeting: tuple[str, date]
) -> None:
    code, day = meeting
    deadline = day + timedelta(days=30)
    svc.record_minutes(
        UnitOfWork(), cfg, code, APRIL, _draft(day, deadline=deadline), "os-mulder", day
    )
    remind_on = working_days_before(
        deadline, cfg.minutes.action_reminder_working_days, cfg.calendar
    )
    assert actions_svc.remind_actions(UnitOfWork(), cfg, remind_on - timedelta(days=1)) == (0, 0)
    assert actions_svc.remind_actions(UnitOfWork(), cfg, remind_on) == (1, 0)
    assert actions_svc.remind_actions(UnitOfWork(), cfg, remind_on) == (0, 0)
    assert actions_svc.remind_actions(UnitOfWork(), cfg, deadline) == (0, 0)
    assert actions_svc.remind_actions(UnitOfWork(), cfg, deadline + timedelta(days=1)) == (0, 1)
    assert actions_svc.remind_actions(UnitOfWork(), cfg, deadline + timedelta(days=9)) == (0, 0)
    with UnitOfWork() as uow:
        signal = uow.session.scalar(
            select(Signal.description).where(Signal.key.like("action:%:signal"))
        )
    assert "Plan van aanpak wachtlijst" in signal

    # still open in July: on the next agenda, then closed
    prepare_month(UnitOfWork(), cfg, date(2027, 7, 1), date(2027, 6, 1), provider_code=code)
    with UnitOfWork() as uow:
        html = uow.session.scalar(
            select(OutboxMessage.body_html).where(
                OutboxMessage.key == f"meeting:2027-07:{code}:request"
            )
        )
    if html is not None:  # the provider meets in July (category 1 or 2)
        assert "Plan van aanpak wachtlijst" in html and "te laat" in html
    assert actions_svc.close_action(
        UnitOfWork(), code, APRIL, 1, "Plan ontvangen", "cm-jansen", deadline + timedelta(days=10)
    )
    assert not actions_svc.close_action(
        UnitOfWork(), code, APRIL, 1, "Plan ontvangen", "cm-jansen", deadline + timedelta(days=10)
    )
    with UnitOfWork() as uow:
        assert uow.session.scalar(select(ActionItem.status)) == "done"


def test_gap_in_sweeps_skips_to_overdue(cfg: RegionConfig, meeting: tuple[str, date]) -> None:
    code, day = meeting
    deadline = day + timedelta(days=20)
    svc.record_minutes(
        UnitOfWork(), cfg, code, APRIL, _draft(day, deadline=deadline), "os-mulder", day
    )
    # the sweep did not run between before the reminder day and after the deadline
    assert actions_svc.remind_actions(UnitOfWork(), cfg, deadline + timedelta(days=3)) == (0, 1)


def _filled_sheet(tmp_path: Path, code: str, day: date, edit=None) -> Path:  # noqa: ANN001
    return filled_minutes_sheet(tmp_path / "verslagen", code, APRIL, day, edit)


def test_minutes_from_a_sheet(cfg: RegionConfig, meeting: tuple[str, date], tmp_path: Path) -> None:
    code, day = meeting
    path = _filled_sheet(tmp_path, code, day)
    # the template is never written over: staff may be filling it in
    assert svc.write_template(UnitOfWork(), cfg, code, APRIL, path.parent) == path
    assert svc.record_minutes_sheet(UnitOfWork(), cfg, path, "os-mulder", day) == "recorded"
    assert svc.record_minutes_sheet(UnitOfWork(), cfg, path, "os-mulder", day) == "unchanged"
    with UnitOfWork() as uow:
        minutes = uow.session.scalar(select(Minutes))
        owners = uow.session.scalars(
            select(ActionItem.owner_name).order_by(ActionItem.number)
        ).all()
    assert minutes.attendees == ["Eva de Vries", "Marieke Jansen"]
    assert minutes.items == [
        {
            "number": "4b",
            "discussion": "Wachtlijst besproken",
            "decisions": "Plan van aanpak voor 1 mei",
        }
    ]
    assert owners == ["Eva de Vries", "Marieke Jansen"]


BAD_SHEETS = {
    "no-owner": (
        lambda b: setattr(b["Actiepunten"].cell(2, 4), "value", None),
        "[Actiepunten], rij 2, kolom 'actions.owner': actie zonder actiehouder",
    ),
    "bad-side": (
        lambda b: b["Actiepunten"].cell(3, 3, "gemeente"),
        "[Actiepunten], rij 3, kolom 'Kant (aanbieder/regio)'",
    ),
    "bad-date": (
        lambda b: b["Actiepunten"].cell(2, 5, "morgen"),
        "[Actiepunten], rij 2, kolom 'Deadline': 'morgen' is geen datum",
    ),
    "deadline-before": (
        lambda b: b["Actiepunten"].cell(3, 5, date(2027, 1, 4)),
        "[Actiepunten], rij 3, kolom 'actions.deadline'",
    ),
    "unknown-item": (
        lambda b: b["Actiepunten"].cell(2, 1, "12"),
        "rij 2, kolom 'actions.agenda_item': onbekend agendapunt '12'",
    ),
    "header-changed": (lambda b: b["Verslag"].cell(6, 3, "Tekst"), "[Verslag], rij 6"),
    "bad-month": (lambda b: b["Verslag"].cell(3, 2, "april"), "ongeldige gespreksmaand 'april'"),
    "no-actions-sheet": (lambda b: b.remove(b["Actiepunten"]), "tabblad 'Actiepunten' ontbreekt"),
}


@pytest.mark.parametrize("case", sorted(BAD_SHEETS))
def test_bad_minutes_sheets_write_nothing(
    cfg: RegionConfig, meeting: tuple[str, date], tmp_path: Path, case: str
) -> None:
    code, day = meeting
    edit, fragment = BAD_SHEETS[case]
    path = _filled_sheet(tmp_path, code, day, edit)
    before = table_counts()
    with pytest.raises(InvalidInput) as info:
        svc.record_minutes_sheet(UnitOfWork(), cfg, path, "os-mulder", day)
    assert fragment in str(info.value)
    assert path.name in str(info.value)
    assert table_counts() == before


def test_not_an_excel_sheet(cfg: RegionConfig, meeting: tuple[str, date], tmp_path: Path) -> None:
    path = tmp_path / "verslag.xlsx"
    path.write_text("geen excel")
    with pytest.raises(InvalidInput, match="geen geldig Excel-bestand"):
        svc.record_minutes_sheet(UnitOfWork(), cfg, path, "os-mulder", meeting[1])


def test_dossier_export(cfg: RegionConfig, meeting: tuple[str, date], tmp_path: Path) -> None:
    import zipfile

    from clm.services.dossier_export import export_dossier

    code, day = meeting
    svc.record_minutes(UnitOfWork(), cfg, code, APRIL, _draft(day), "os-mulder", day)
    svc.release_minutes(UnitOfWork(), cfg, code, APRIL, "os-mulder", day)
    svc.register_reaction(UnitOfWork(), cfg, code, APRIL, True, {}, "os-mulder", day)
    result = export_dossier(
        UnitOfWork(), cfg, code, AS_OF, day + timedelta(days=1), tmp_path / "exports"
    )
    pdf, archive = Path(result.pdf), zipfile.ZipFile(result.zip)
    assert pdf.read_bytes().startswith(b"%PDF") and result.events >= 6
    names = archive.namelist()
    assert any(n.startswith("documenten/verslag-") and n.endswith("-definitief.pdf") for n in names)
    mails = [n for n in names if n.startswith("mails/")]
    assert len(mails) >= 3  # classification letter, data request, minutes, final minutes
    assert b"Classificatie contractmanagement" in archive.read(mails[0])
    with pytest.raises(InvalidInput, match="begin ligt na het einde"):
        export_dossier(UnitOfWork(), cfg, code, day, AS_OF, tmp_path / "exports")


def test_minutes_timeliness_for_the_analysis(cfg: RegionConfig, meeting: tuple[str, date]) -> None:
    code, day = meeting
    svc.record_minutes(UnitOfWork(), cfg, code, APRIL, _draft(day), "os-mulder", day)
    late_day = day + timedelta(days=15)  # one day past two weeks, whatever the working days
    svc.release_minutes(UnitOfWork(), cfg, code, APRIL, "os-mulder", late_day)
    counts = views.minutes_timeliness(UnitOfWork(), cfg, APRIL, date(2027, 4, 30), date(2027, 6, 1))
    assert counts["held"] == 40
    assert (counts["late"], counts["on_time"], counts["not_sent"]) == (1, 0, 39)


def test_missing_reaction_signal_when_the_region_wants_it(
    cfg: RegionConfig, meeting: tuple[str, date]
) -> None:
    code, day = meeting
    strict = cfg.model_copy(
        update={"minutes": cfg.minutes.model_copy(update={"signal_missing_reaction": True})}
    )
    svc.record_minutes(UnitOfWork(), strict, code, APRIL, _draft(day), "os-mulder", day)
    svc.release_minutes(UnitOfWork(), strict, code, APRIL, "os-mulder", day)
    with UnitOfWork() as uow:
        due = uow.session.scalar(select(Minutes.reaction_due))
    assert svc.finalise_due_minutes(UnitOfWork(), strict, due + timedelta(days=1)) == 1
    with UnitOfWork() as uow:
        signal = uow.session.scalar(
            select(Signal.description).where(Signal.key.like("minutes-noreaction:%"))
        )
    assert signal.startswith("Geen reactie op het verslag")
