"""Deadlines: written when a meeting, minutes, action, escalation step or application sets a
term, closed when the obligation is met, and one sweep over the open ones.

The sweep is the same for every kind: a reminder when one of the deadline's reminder days has
come (one mail when several fell due while the sweep did not run), and when the due date has
passed the kind's lapse (a signal, an overdue notice, the minutes made final). What a kind
sends is its :class:`KindRules`, kept by the capability it belongs to and handed to
:func:`sweep`; this module knows no templates.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session

from clm.rules.calendar import add_working_days
from clm.rules.config import RegionConfig
from clm.rules.deadlines import (
    STEP_TERMS,
    DeadlineKind,
    Subject,
    has_lapsed,
    reminders_due,
)
from clm.storage.db import UnitOfWork, bulk_rows
from clm.storage.models import (
    ActionItem,
    Admission,
    Amendment,
    Contract,
    Deadline,
    EscalationStep,
    Meeting,
    Minutes,
    Objection,
    Provider,
)
from clm.storage.notify import SESSION_KNOWN_KEYS, KnownKeys


def set_deadline(
    session: Session,
    kind: DeadlineKind,
    subject: Subject,
    subject_id: int,
    due: date,
    *,
    provider_id: int | None,
    owner: str = "",
    remind_before: Iterable[int] = (),
) -> Deadline:
    """The deadline of ``kind`` for the subject, created or moved to ``due``.

    Setting the same due date again changes nothing (reruns); a new due date starts the
    deadline afresh (its reminders and lapse are for the new date)."""
    row = session.scalar(
        select(Deadline).where(
            Deadline.kind == kind, Deadline.subject == subject, Deadline.subject_id == subject_id
        )
    )
    offsets = sorted({int(n) for n in remind_before})
    if row is None:
        row = Deadline(
            kind=kind,
            subject=subject,
            subject_id=subject_id,
            provider_id=provider_id,
            owner=owner,
            due_on=due,
            first_due_on=due,
            remind_before=offsets,
            reminded=[],
        )
        session.add(row)
        session.flush()
        return row
    if row.due_on != due or row.closed_on is not None:
        row.due_on, row.reminded, row.reminded_on = due, [], None
        row.lapsed_on = row.closed_on = None
    row.owner, row.remind_before, row.provider_id = owner, offsets, provider_id
    return row


def close_deadlines(
    session: Session,
    subject: Subject,
    subject_ids: Iterable[int],
    as_of: date,
    kinds: Iterable[DeadlineKind] | None = None,
) -> int:
    """Close the open deadlines of these subjects (the obligation is met or fell away)."""
    ids = list(subject_ids)
    if not ids:
        return 0
    query = select(Deadline).where(
        Deadline.subject == subject, Deadline.subject_id.in_(ids), Deadline.closed_on.is_(None)
    )
    if kinds is not None:
        query = query.where(Deadline.kind.in_([str(k) for k in kinds]))
    rows = session.scalars(query).all()
    for row in rows:
        row.closed_on = as_of
    return len(rows)


def delete_deadlines(session: Session, subject: Subject, subject_ids: Iterable[int]) -> None:
    """Remove the deadlines of subjects that are removed themselves (replaced actions)."""
    ids = list(subject_ids)
    if ids:
        for row in session.scalars(
            select(Deadline).where(Deadline.subject == subject, Deadline.subject_id.in_(ids))
        ):
            session.delete(row)


def due_date(
    session: Session, kind: DeadlineKind, subject: Subject, subject_id: int
) -> date | None:
    """The current due date of one deadline, or None when there is none."""
    return session.scalar(
        select(Deadline.due_on).where(
            Deadline.kind == kind, Deadline.subject == subject, Deadline.subject_id == subject_id
        )
    )


def step_terms(session: Session, step_id: int) -> dict[str, date]:
    """The terms of an escalation step by name ('answer_due', …), as first set."""
    rows = session.execute(
        select(Deadline.kind, Deadline.first_due_on).where(
            Deadline.subject == Subject.ESCALATION_STEP, Deadline.subject_id == step_id
        )
    ).all()
    found = dict(rows)
    return {str(k): found[k] for k in STEP_TERMS if k in found}


# ``KindRules.load`` returns this when the obligation only rests for now (a measure suspended
# by an objection): nothing is sent and the deadline stays open.
WAIT = object()


@dataclass(frozen=True)
class KindRules:
    """What the sweep does for one kind of deadline.

    ``load`` gives what the mails need (the meeting and provider, …) or None when the
    obligation fell away meanwhile (the deadline is then closed). ``remind`` sends the
    reminder for the offset (working days before the due date). ``lapse`` handles the passed
    term and returns False when it must wait (minutes with open comments). ``last_chance``:
    the first time the term has passed, ``remind`` goes out instead and the due date moves to
    the date it returns (data: one reminder with a new term, then the signal)."""

    load: Callable[[Session, Deadline], Any | None]
    lapse: Callable[[Session, RegionConfig, Deadline, Any, date], bool]
    remind: Callable[[Session, RegionConfig, Deadline, Any, int, date], None] | None = None
    last_chance: Callable[[Session, RegionConfig, Deadline, date], date] | None = None
    # more than one reminder before the due date (an application: 20 and 5 working days)
    several_reminders: bool = False
    # the earliest reminder in working days before the due date, from the config
    reminder_days: Callable[[RegionConfig], int] = lambda _cfg: 0
    # the prefixes of the mail keys the kind writes, loaded once per sweep
    key_prefixes: tuple[str, ...] = ()


@dataclass
class SweepCount:
    reminders: dict[str, int] = field(default_factory=dict)
    lapsed: dict[str, int] = field(default_factory=dict)

    def of(self, *kinds: DeadlineKind) -> tuple[int, int]:
        """(reminders, lapsed) summed over ``kinds``."""
        return (
            sum(self.reminders.get(k, 0) for k in kinds),
            sum(self.lapsed.get(k, 0) for k in kinds),
        )


_MODELS = {
    Subject.MEETING: Meeting,
    Subject.MINUTES: Minutes,
    Subject.ACTION: ActionItem,
    Subject.ESCALATION_STEP: EscalationStep,
    Subject.ADMISSION: Admission,
    Subject.OBJECTION: Objection,
    Subject.CONTRACT: Contract,
    Subject.AMENDMENT: Amendment,
}


def _preload(session: Session, rows: list[Deadline]) -> list[object]:
    """Load the subjects and providers of ``rows`` in one query each, so that the rules'
    ``session.get`` finds them in the identity map instead of asking the database per row."""
    kept: list[object] = []
    by_subject: dict[str, set[int]] = {}
    for row in rows:
        by_subject.setdefault(row.subject, set()).add(row.subject_id)
    for subject, ids in by_subject.items():
        model = _MODELS[Subject(subject)]
        for chunk in _chunks(sorted(ids)):
            kept += session.scalars(select(model).where(model.id.in_(chunk))).all()
    providers = sorted({row.provider_id for row in rows if row.provider_id is not None})
    for chunk in _chunks(providers):
        kept += session.scalars(select(Provider).where(Provider.id.in_(chunk))).all()
    return kept


def _chunks(ids: list[int], size: int = 5000) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _horizon(cfg: RegionConfig, as_of: date, rule: KindRules) -> date:
    """No deadline of this kind due after this day can need a reminder today: its earliest
    reminder in working days, and a week's slack for days off."""
    return add_working_days(as_of, rule.reminder_days(cfg), cfg.calendar) + timedelta(days=7)


def sweep(
    uow: UnitOfWork,
    cfg: RegionConfig,
    as_of: date,
    rules: dict[DeadlineKind, KindRules],
) -> SweepCount:
    """Every open deadline of the kinds in ``rules``: remind or lapse what is due by
    ``as_of``, each once; a sweep that missed days catches up with one mail per deadline."""
    count = SweepCount()
    with uow:
        session = uow.session
        # Read the few columns that decide first, as plain rows: most open deadlines within
        # reach need nothing today, and only those that do are loaded as objects.
        # the two lists as the text stored (a few distinct ones, decoded once each: decoding
        # every row's JSON was most of a quiet day's sweep); PostgreSQL's driver sends lists
        columns = (
            Deadline.id,
            Deadline.kind,
            Deadline.due_on,
            type_coerce(Deadline.remind_before, String).label("remind_before"),
            type_coerce(Deadline.reminded, String).label("reminded"),
            Deadline.reminded_on,
        )
        # one range of ix_deadlines_sweep per kind: only as far ahead as the kind's earliest
        # reminder reaches, and once reminded a deadline waits for its due date, unless it
        # has more reminders
        per_kind = [
            select(*columns).where(
                Deadline.kind == str(kind),
                Deadline.closed_on.is_(None),
                Deadline.lapsed_on.is_(None),
                Deadline.due_on <= _horizon(cfg, as_of, rule),
                *(
                    ()
                    if rule.several_reminders
                    else [or_(Deadline.due_on < as_of, Deadline.reminded_on.is_(None))]
                ),
            )
            for kind, rule in rules.items()
        ]
        candidates = session.execute(union_all(*per_kind)).all()
        decoded: dict[str, list[int]] = {}

        def offsets(value: str | list[int] | None) -> list[int]:
            if not isinstance(value, str):
                return value or []
            if value not in decoded:
                decoded[value] = json.loads(value) or []
            return decoded[value]

        def needs_work(c: Any) -> bool:
            rule = rules[DeadlineKind(c.kind)]
            if rule.last_chance and c.reminded_on and c.due_on <= c.reminded_on:
                return True  # moved below
            return has_lapsed(c.due_on, as_of) or bool(
                reminders_due(
                    c.due_on, offsets(c.remind_before), offsets(c.reminded), as_of, cfg.calendar
                )
            )

        wanted = sorted(c.id for c in candidates if needs_work(c))
        rows = sorted(
            (
                row
                for chunk in _chunks(wanted)
                for row in session.scalars(select(Deadline).where(Deadline.id.in_(chunk)))
            ),
            key=lambda row: (row.due_on, row.id),
        )
        todo = []  # (row, its rules, lapsed, the reminders due): the rows that need work
        for row in rows:
            kind = DeadlineKind(row.kind)
            rule = rules[kind]
            if rule.last_chance and row.reminded_on and row.due_on <= row.reminded_on:
                # reminded before this table kept the last term (migration 0008)
                row.due_on = rule.last_chance(session, cfg, row, row.reminded_on)
            lapsed = has_lapsed(row.due_on, as_of)
            due = (
                []
                if lapsed
                else reminders_due(row.due_on, row.remind_before, row.reminded, as_of, cfg.calendar)
            )
            if lapsed or due:
                todo.append((row, kind, rule, lapsed, due))
        kept = _preload(session, [t[0] for t in todo])  # noqa: F841 - keeps them in the map
        prefixes = tuple(sorted({p for _r, _k, rule, *_ in todo for p in rule.key_prefixes}))
        if prefixes:
            session.info[SESSION_KNOWN_KEYS] = KnownKeys.load_many(session, prefixes)
        # One flush at the commit: without this every look-up (a subject, an idempotency
        # key) first flushed the mails written so far, one by one (3x slower at 100,000).
        # Keys are unique per deadline, so no look-up needs a row written in this sweep;
        # the mails, events and references it writes go in together at the end (bulk_rows).
        try:
            with session.no_autoflush, bulk_rows(session):
                for row, kind, rule, lapsed, due in todo:
                    subject = rule.load(session, row)
                    if subject is None:
                        row.closed_on = as_of
                        continue
                    if subject is WAIT:
                        continue
                    if lapsed and rule.last_chance is not None and row.reminded_on is None:
                        rule.remind(session, cfg, row, subject, 0, as_of)  # type: ignore[misc]
                        row.reminded_on, row.due_on = (
                            as_of,
                            rule.last_chance(session, cfg, row, as_of),
                        )
                        count.reminders[kind] = count.reminders.get(kind, 0) + 1
                    elif lapsed:
                        if rule.lapse(session, cfg, row, subject, as_of):
                            row.lapsed_on = as_of
                            count.lapsed[kind] = count.lapsed.get(kind, 0) + 1
                    elif rule.remind is not None:
                        rule.remind(session, cfg, row, subject, min(due), as_of)  # the nearest only
                        row.reminded, row.reminded_on = sorted({*row.reminded, *due}), as_of
                        count.reminders[kind] = count.reminders.get(kind, 0) + 1
        finally:
            session.info.pop(SESSION_KNOWN_KEYS, None)
        uow.commit()
    return count
