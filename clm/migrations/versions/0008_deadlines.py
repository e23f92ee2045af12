"""deadlines: one table for every term, carried over from the four schemes before it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 14:00:00

Before this, a term and its reminders lived with what it belonged to: meetings had
data_reminder_sent_on / data_signal_on, actions reminder_sent_on / overdue_sent_on,
escalation steps the JSON columns terms and reminders, admissions a JSON reminders list and
overdue_sent_on, and the minutes' two weeks were computed from the meeting day. Upgrading
writes one deadlines row per term with what was sent and what lapsed, then drops those
columns; downgrading fills them back from the rows. The region's config gives the reminder
days (its defaults when it cannot be read), as the code that wrote the old columns used it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TERMS = ("answer_due", "plan_due", "review_due", "recovery_due", "objection_due")


def _rules() -> tuple[int, int, int, list[int]]:
    """(minutes share days, action reminder days, escalation reminder days, admission
    reminder days) of the region's config, or the defaults."""
    from clm.rules.config import AdmissionRules, EscalationRules, MinutesRules

    try:
        from clm.services.common import region_config

        cfg = region_config()
        minutes, escalation, admission = cfg.minutes, cfg.escalation, cfg.admission
    except Exception:  # noqa: BLE001 - a migration must not depend on a readable config
        minutes, escalation, admission = MinutesRules(), EscalationRules(), AdmissionRules()
    return (
        minutes.share_within_days,
        minutes.action_reminder_working_days,
        escalation.reminder_working_days,
        list(admission.reminder_working_days),
    )


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value  # type: ignore[return-value]
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _local_day(moment: object) -> date:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    assert isinstance(moment, datetime)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date()


def _create_table() -> None:
    op.create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=254), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("first_due_on", sa.Date(), nullable=False),
        sa.Column("remind_before", sa.JSON(), nullable=False),
        sa.Column("reminded", sa.JSON(), nullable=False),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("lapsed_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "subject", "subject_id", name="uq_deadlines_kind_subject"),
    )
    op.create_index("ix_deadlines_open", "deadlines", ["closed_on", "lapsed_on", "due_on"])
    op.create_index("ix_deadlines_subject", "deadlines", ["subject", "subject_id"])
    op.create_index("ix_deadlines_provider_id", "deadlines", ["provider_id"])


def upgrade() -> None:
    _create_table()
    conn = op.get_bind()
    share_days, action_days, step_days, admission_days = _rules()
    rows: list[dict] = []

    def add(kind, subject, subject_id, provider_id, owner, due, **state) -> None:  # noqa: ANN001
        rows.append(
            {
                "kind": kind,
                "subject": subject,
                "subject_id": subject_id,
                "provider_id": provider_id,
                "owner": owner or "",
                "due_on": state.pop("due_on", due),
                "first_due_on": due,
                "remind_before": state.pop("remind_before", []),
                "reminded": state.pop("reminded", []),
                "reminded_on": state.pop("reminded_on", None),
                "lapsed_on": state.pop("lapsed_on", None),
                "closed_on": state.pop("closed_on", None),
            }
        )

    signals = {
        key: _day(as_of)
        for key, as_of in conn.execute(sa.text("SELECT key, as_of FROM signals")).all()
    }
    minutes = {
        m.meeting_id: m
        for m in conn.execute(
            sa.text(
                "SELECT id, meeting_id, status, first_sent_on, reaction_due, finalised_on "
                "FROM minutes"
            )
        ).all()
    }
    today = date.today()
    meeting_provider: dict[int, int] = {}
    for m in conn.execute(
        sa.text(
            "SELECT id, provider_id, uid, status, starts_at, data_deadline, data_received_on, "
            "data_reminder_sent_on, data_signal_on, support_officer FROM meetings"
        )
    ).all():
        meeting_provider[m.id] = m.provider_id
        cancelled = today if m.status != "planned" else None
        reminded = _day(m.data_reminder_sent_on)
        add(
            "data",
            "meeting",
            m.id,
            m.provider_id,
            "provider",
            _day(m.data_deadline),
            reminded_on=reminded,  # the sweep gives such a row its last term (due < reminded)
            lapsed_on=_day(m.data_signal_on),
            closed_on=_day(m.data_received_on) or cancelled,
        )
        record = minutes.get(m.id)
        add(
            "minutes_shared",
            "meeting",
            m.id,
            m.provider_id,
            m.support_officer,
            _local_day(m.starts_at) + timedelta(days=share_days),
            lapsed_on=signals.get(f"minutes-late:{m.uid}"),
            closed_on=(_day(record.first_sent_on) if record else None) or cancelled,
        )
    for record in minutes.values():
        if record.reaction_due is None:
            continue
        due, final = _day(record.reaction_due), _day(record.finalised_on)
        final = final if record.status == "final" else None
        add(
            "reaction",
            "minutes",
            record.id,
            meeting_provider.get(record.meeting_id),
            "provider",
            due,
            # final after the week: the sweep made it so (the term lapsed); before: agreed
            lapsed_on=final if final and final > due else None,
            closed_on=final,
        )
    for a in conn.execute(
        sa.text(
            "SELECT id, provider_id, owner_email, deadline, status, closed_on, "
            "reminder_sent_on, overdue_sent_on FROM action_items"
        )
    ).all():
        add(
            "action",
            "action",
            a.id,
            a.provider_id,
            a.owner_email,
            _day(a.deadline),
            remind_before=[action_days],
            reminded=[action_days] if a.reminder_sent_on else [],
            reminded_on=_day(a.reminder_sent_on),
            lapsed_on=_day(a.overdue_sent_on),
            closed_on=(_day(a.closed_on) or today) if a.status != "open" else None,
        )
    for s in conn.execute(
        sa.text(
            "SELECT s.id, s.status, s.terms, s.reminders, e.provider_id, e.status AS open_state, "
            "p.contract_manager FROM escalation_steps s "
            "JOIN escalations e ON e.id = s.escalation_id JOIN providers p ON p.id = e.provider_id"
        )
    ).all():
        terms = _json(s.terms)
        sent = _json(s.reminders)
        ended = s.status not in ("active", "suspended") or s.open_state != "open"
        for name in _TERMS:
            if name not in terms:
                continue
            reminder = sent.get(f"{name}:reminder")
            add(
                name,
                "escalation_step",
                s.id,
                s.provider_id,
                s.contract_manager if name == "review_due" else "provider",
                _day(terms[name]),
                remind_before=[] if name == "objection_due" else [step_days],
                reminded=[step_days] if reminder else [],
                reminded_on=_day(reminder),
                lapsed_on=_day(sent.get(f"{name}:signal")),
                closed_on=today if ended else None,
            )
    for a in conn.execute(
        sa.text(
            "SELECT id, provider_id, deadline, status, decided_on, reminders, overdue_sent_on "
            "FROM admissions"
        )
    ).all():
        add(
            "admission",
            "admission",
            a.id,
            a.provider_id,
            "contract_administration",
            _day(a.deadline),
            remind_before=admission_days,
            reminded=sorted(_json(a.reminders) or []),
            lapsed_on=_day(a.overdue_sent_on),
            closed_on=(_day(a.decided_on) or today) if a.status != "pending" else None,
        )
    if rows:
        table = sa.table(
            "deadlines",
            *(
                sa.column(c, sa.JSON() if c in ("remind_before", "reminded") else None)
                for c in rows[0]
            ),
        )
        conn.execute(sa.insert(table), rows)
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("data_reminder_sent_on")
        batch.drop_column("data_signal_on")
    with op.batch_alter_table("action_items") as batch:
        batch.drop_column("reminder_sent_on")
        batch.drop_column("overdue_sent_on")
    with op.batch_alter_table("escalation_steps") as batch:
        batch.drop_column("terms")
        batch.drop_column("reminders")
    with op.batch_alter_table("admissions") as batch:
        batch.drop_column("reminders")
        batch.drop_column("overdue_sent_on")


def _json(value: object) -> dict | list:
    if value is None:
        return {}
    if isinstance(value, str):
        import json

        return json.loads(value)
    return value  # type: ignore[return-value]


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("data_reminder_sent_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("data_signal_on", sa.Date(), nullable=True))
    with op.batch_alter_table("action_items") as batch:
        batch.add_column(sa.Column("reminder_sent_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("overdue_sent_on", sa.Date(), nullable=True))
    with op.batch_alter_table("escalation_steps") as batch:
        batch.add_column(sa.Column("terms", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("reminders", sa.JSON(), nullable=True))
    with op.batch_alter_table("admissions") as batch:
        batch.add_column(sa.Column("reminders", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("overdue_sent_on", sa.Date(), nullable=True))
    conn = op.get_bind()
    meetings = sa.table(
        "meetings",
        sa.column("id"),
        sa.column("data_reminder_sent_on"),
        sa.column("data_signal_on"),
    )
    actions = sa.table(
        "action_items", sa.column("id"), sa.column("reminder_sent_on"), sa.column("overdue_sent_on")
    )
    steps = sa.table(
        "escalation_steps",
        sa.column("id"),
        sa.column("terms", sa.JSON()),
        sa.column("reminders", sa.JSON()),
    )
    admissions = sa.table(
        "admissions",
        sa.column("id"),
        sa.column("reminders", sa.JSON()),
        sa.column("overdue_sent_on"),
    )
    terms: dict[int, dict[str, str]] = {}
    sent: dict[int, dict[str, str]] = {}
    for d in conn.execute(
        sa.text(
            "SELECT kind, subject_id, first_due_on, reminded, reminded_on, lapsed_on FROM deadlines"
        )
    ).all():
        reminded_on, lapsed_on = _day(d.reminded_on), _day(d.lapsed_on)
        if d.kind == "data":
            conn.execute(
                meetings.update()
                .where(meetings.c.id == d.subject_id)
                .values(data_reminder_sent_on=reminded_on, data_signal_on=lapsed_on)
            )
        elif d.kind == "action":
            conn.execute(
                actions.update()
                .where(actions.c.id == d.subject_id)
                .values(reminder_sent_on=reminded_on, overdue_sent_on=lapsed_on)
            )
        elif d.kind in _TERMS:
            terms.setdefault(d.subject_id, {})[d.kind] = _day(d.first_due_on).isoformat()
            marks = sent.setdefault(d.subject_id, {})
            if reminded_on:
                marks[f"{d.kind}:reminder"] = reminded_on.isoformat()
            if lapsed_on and d.kind not in ("review_due", "objection_due"):
                marks[f"{d.kind}:signal"] = lapsed_on.isoformat()
        elif d.kind == "admission":
            conn.execute(
                admissions.update()
                .where(admissions.c.id == d.subject_id)
                .values(reminders=sorted(_json(d.reminded) or []), overdue_sent_on=lapsed_on)
            )
    for step_id in conn.execute(sa.text("SELECT id FROM escalation_steps")).scalars().all():
        conn.execute(
            steps.update()
            .where(steps.c.id == step_id)
            .values(terms=terms.get(step_id, {}), reminders=sent.get(step_id, {}))
        )
    conn.execute(admissions.update().where(admissions.c.reminders.is_(None)).values(reminders=[]))
    with op.batch_alter_table("escalation_steps") as batch:
        batch.alter_column("terms", existing_type=sa.JSON(), nullable=False)
        batch.alter_column("reminders", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("admissions") as batch:
        batch.alter_column("reminders", existing_type=sa.JSON(), nullable=False)
    op.drop_index("ix_deadlines_provider_id", table_name="deadlines")
    op.drop_index("ix_deadlines_subject", table_name="deadlines")
    op.drop_index("ix_deadlines_open", table_name="deadlines")
    op.drop_table("deadlines")
