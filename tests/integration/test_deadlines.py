"""One deadline mechanism: every term a row, one sweep, and migration 0008 carrying the old
schemes' state over (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from alembic import command
from sqlalchemy import select

from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind, reminders_due
from clm.rules.minutes import ActionDraft, ItemDraft, MinutesDraft
from clm.services import escalation as esc
from clm.services import minutes as minutes_svc
from clm.services.deadline_sweep import sweep_deadlines
from clm.services.deadlines import step_terms
from clm.settings import get_settings
from clm.storage.db import UnitOfWork, alembic_config, get_engine, migrate
from clm.storage.models import Deadline

APRIL = date(2027, 4, 1)


@pytest.fixture
def world(april_db: tuple[str, date]) -> tuple[str, date]:
    """The demo region classified and its April meetings planned: (a provider, its day)."""
    return april_db


def _deadlines() -> list[Deadline]:
    with UnitOfWork() as uow:
        rows = uow.session.scalars(select(Deadline).order_by(Deadline.id)).all()
        uow.session.expunge_all()
        return list(rows)


def test_every_term_is_a_row_and_one_sweep_handles_them(
    cfg: RegionConfig, world: tuple[str, date]
) -> None:
    code, day = world
    meetings = {d.subject_id for d in _deadlines() if d.kind == DeadlineKind.DATA}
    assert (
        meetings
        and {d.subject_id for d in _deadlines() if d.kind == DeadlineKind.MINUTES_SHARED}
        == meetings
    )
    shared = next(d for d in _deadlines() if d.kind == DeadlineKind.MINUTES_SHARED)
    assert shared.owner.startswith("os-")  # the support officer writes the minutes
    draft = MinutesDraft(
        ["Eva de Vries"],
        [ItemDraft("4b", "Wachtlijst")],
        [ActionDraft("4b", "Plan", "provider", "Eva de Vries", day + timedelta(days=30))],
    )
    minutes_svc.record_minutes(UnitOfWork(), cfg, code, APRIL, draft, "os-mulder", day)
    minutes_svc.release_minutes(UnitOfWork(), cfg, code, APRIL, "os-mulder", day)
    kinds = {d.kind for d in _deadlines() if d.closed_on is None}
    assert {DeadlineKind.ACTION, DeadlineKind.REACTION} <= kinds
    # sharing the minutes met the two weeks of this meeting
    mine = [d for d in _deadlines() if d.kind == DeadlineKind.MINUTES_SHARED and d.closed_on]
    assert len(mine) == 1

    # the same day twice sends nothing new; every kind counts in the one sweep
    late = date(2027, 5, 25)
    first = sweep_deadlines(UnitOfWork(), cfg, late)
    assert sweep_deadlines(UnitOfWork(), cfg, late) == dict.fromkeys(first, 0)
    assert first["minutes_finalised"] == 1
    assert first["minutes_late"] == len(meetings) - 1  # every other meeting's minutes
    assert first["reminders"] > 0  # data reminders: a last term first, no signal yet
    assert first["signals"] == 0
    assert first["actions_overdue"] == 1  # its deadline (day + 30) passed before 25 May
    later = sweep_deadlines(UnitOfWork(), cfg, late + timedelta(days=30))
    assert later["signals"] == first["reminders"]  # the last term passed too
    assert later["actions_overdue"] == 0


def test_data_reminder_gives_a_last_term_then_one_signal(
    cfg: RegionConfig, world: tuple[str, date]
) -> None:
    data = min((d for d in _deadlines() if d.kind == DeadlineKind.DATA), key=lambda d: d.due_on)
    after = data.due_on + timedelta(days=1)
    counts = sweep_deadlines(UnitOfWork(), cfg, after)
    assert counts["reminders"] >= 1 and counts["signals"] == 0
    with UnitOfWork() as uow:
        row = uow.session.get(Deadline, data.id)
        assert row.first_due_on == data.due_on and row.reminded_on == after
        new_term = row.due_on
    assert new_term > after  # the reminder's last term
    assert sweep_deadlines(UnitOfWork(), cfg, new_term)["signals"] == 0
    assert sweep_deadlines(UnitOfWork(), cfg, new_term + timedelta(days=1))["signals"] >= 1


def test_reminders_due_rules(cfg: RegionConfig) -> None:
    """Admission reminders 20 and 5 working days before 1 October 2027 (a Friday): the 20th
    working day before is Friday 3 September, the 5th Friday 24 September."""
    due = date(2027, 10, 1)
    assert reminders_due(due, [20, 5], [], date(2027, 9, 2), cfg.calendar) == []
    assert reminders_due(due, [20, 5], [], date(2027, 9, 3), cfg.calendar) == [20]
    assert reminders_due(due, [20, 5], [20], date(2027, 9, 23), cfg.calendar) == []
    # a sweep that did not run for weeks: both are due, one mail for the nearest
    assert reminders_due(due, [20, 5], [], date(2027, 9, 24), cfg.calendar) == [5, 20]
    assert reminders_due(due, [20, 5], [], due, cfg.calendar) == [5, 20]
    assert reminders_due(due, [20, 5], [], due + timedelta(days=1), cfg.calendar) == []
    assert reminders_due(due, [0], [], due, cfg.calendar) == [0]


def _snapshot() -> set[tuple]:
    """What must survive a migration down and up: per term its subject, its first due date,
    whether and when it was reminded, lapsed, and whether it is still open."""
    return {
        (
            d.kind,
            d.subject,
            d.subject_id,
            d.provider_id,
            d.owner,
            tuple(d.remind_before),
            d.first_due_on,
            tuple(d.reminded),
            d.reminded_on,
            d.lapsed_on,
            d.closed_on is None,
        )
        for d in _deadlines()
        # two weeks for the minutes and the reaction week are recomputed from the meeting
        # and the minutes; their state is all that an old column held
    }


def test_migration_0008_carries_the_open_deadlines_down_and_up(
    cfg: RegionConfig, world: tuple[str, date]
) -> None:
    code, day = world
    db = get_settings().db_url
    draft = MinutesDraft(
        ["Eva de Vries"],
        [ItemDraft("4b", "Wachtlijst")],
        [ActionDraft("4b", "Plan", "provider", "Eva de Vries", day + timedelta(days=30))],
    )
    minutes_svc.record_minutes(UnitOfWork(), cfg, code, APRIL, draft, "os-mulder", day)
    minutes_svc.release_minutes(UnitOfWork(), cfg, code, APRIL, "os-mulder", day)
    step = esc.request_step(
        UnitOfWork(),
        cfg,
        esc.StepRequest(
            provider_code=code,
            step=2,
            reason="Wachtlijst loopt op",
            requested_by="cm-jansen",
            heard_on=day,
            hearing_summary="Gesprek",
        ),
        day + timedelta(days=1),
    )
    # reminders and lapses of every kind on record
    sweep_deadlines(UnitOfWork(), cfg, date(2027, 4, 20))
    sweep_deadlines(UnitOfWork(), cfg, date(2027, 5, 20))
    before = _snapshot()
    kinds = {k for k, *_ in before}
    assert {"data", "minutes_shared", "reaction", "action", "plan_due", "review_due"} <= kinds
    assert any(r[8] for r in before) and any(r[9] for r in before)  # reminded, lapsed

    command.downgrade(alembic_config(db), "0007")
    get_engine(db).dispose()
    migrate(db)
    get_engine(db).dispose()
    assert _snapshot() == before
    # and the sweep goes on from there: nothing is sent a second time
    again = sweep_deadlines(UnitOfWork(), cfg, date(2027, 5, 20))
    assert again == dict.fromkeys(again, 0), again
    with UnitOfWork() as uow:
        assert step_terms(uow.session, step)  # the step's terms survived


def test_the_work_list_shows_each_staff_member_what_needs_them(
    cfg: RegionConfig, world: tuple[str, date]
) -> None:
    """The werkvoorraad, from the domain itself: minutes to share, comments to process, a
    region action, data not delivered, an approval waiting (never for the requester), open
    signals grouped per provider and kind; one morning mail per staff member per day."""
    from clm.services.views import work_list
    from clm.services.worklist import send_morning_mails
    from clm.storage.models import OutboxMessage

    code, day = world
    draft = MinutesDraft(
        ["Eva de Vries"],
        [ItemDraft("4b", "Wachtlijst")],
        [ActionDraft("4b", "Cijfers nalopen", "region", "cm-bakker", day + timedelta(days=10))],
    )
    minutes_svc.record_minutes(UnitOfWork(), cfg, code, APRIL, draft, "os-mulder", day)
    minutes_svc.release_minutes(UnitOfWork(), cfg, code, APRIL, "os-mulder", day)
    minutes_svc.register_reaction(
        UnitOfWork(), cfg, code, APRIL, False, {"4b": "Klopt niet"}, "os-mulder", day
    )
    step = esc.request_step(
        UnitOfWork(),
        cfg,
        esc.StepRequest(
            provider_code=code,
            step=3,
            reason="Herstel blijft uit",
            requested_by="cm-jansen",
            heard_on=day,
            hearing_summary="Gesprek",
        ),
        day + timedelta(days=1),
    )
    as_of = day + timedelta(days=3)
    sweep_deadlines(UnitOfWork(), cfg, as_of)  # data reminders for those that sent nothing
    listed = work_list(UnitOfWork(), cfg, as_of, "http://ui")

    def kinds(staff_key: str) -> set[str]:
        return set(listed[listed["staff_key"] == staff_key]["kind"])

    assert {"reactie verwerken", "verslag delen"} <= kinds("os-mulder")
    assert "actiepunt" in kinds("cm-bakker")
    approvers = set(listed[listed["kind"] == "goedkeuring"]["staff_key"])
    assert approvers == {"cm-bakker", "cm-visser"}  # never the requester
    assert "gegevens" in set(listed["kind"])
    signals = listed[listed["kind"] == "signalen"]
    assert not signals.duplicated(["staff_key", "provider", "what"]).any()
    approval = listed[(listed["kind"] == "goedkeuring")].iloc[0]
    assert "Trede 3" in approval["what"] and approval["link"] == ""  # no run recorded here
    esc.set_approval_run(UnitOfWork(), step, "0d1e")
    listed = work_list(UnitOfWork(), cfg, as_of, "http://ui")
    assert set(listed[listed["kind"] == "goedkeuring"]["link"]) == {"http://ui/runs/flow-run/0d1e"}

    sent = send_morning_mails(UnitOfWork(), cfg, listed, as_of)
    assert sent == listed["staff_key"].nunique()
    assert send_morning_mails(UnitOfWork(), cfg, listed, as_of) == 0  # once a day
    with UnitOfWork() as uow:
        mail = uow.session.scalar(
            select(OutboxMessage).where(OutboxMessage.key == f"worklist:{as_of}:os-mulder")
        )
    assert mail.to_addrs == ["l.mulder@regio.example.org"]
    assert mail.subject.startswith("Werkvoorraad ")
    assert "reactie verwerken" in mail.body_text and "werkvoorraad-os-mulder" in mail.body_text


def test_a_late_data_reminder_never_gives_a_term_past_the_final_agenda(
    cfg: RegionConfig, world: tuple[str, date]
) -> None:
    """A sweep that first runs two working days before the final agenda (days were missed):
    the reminder's last term is the working day before the final agenda, not three working
    days on (which could be the meeting day itself)."""
    from clm.rules.calendar import working_days_before
    from clm.storage.models import Meeting, OutboxMessage

    data = min((d for d in _deadlines() if d.kind == DeadlineKind.DATA), key=lambda d: d.due_on)
    with UnitOfWork() as uow:
        meeting = uow.session.get(Meeting, data.subject_id)
        final_due, code = meeting.final_agenda_due, meeting.provider_id
    as_of = working_days_before(final_due, 2, cfg.calendar)
    sweep_deadlines(UnitOfWork(), cfg, as_of)
    last = working_days_before(final_due, 1, cfg.calendar)
    with UnitOfWork() as uow:
        assert uow.session.get(Deadline, data.id).due_on == last
        text = uow.session.scalar(
            select(OutboxMessage.body_text).where(
                OutboxMessage.key.like("%:data-reminder"), OutboxMessage.provider_id == code
            )
        )
    from clm.clock import dutch_date

    assert dutch_date(last) in text
