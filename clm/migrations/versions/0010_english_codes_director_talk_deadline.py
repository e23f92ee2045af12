"""codes in English: dossier event kinds, work item and report kinds; the director-level
talk's term as a deadline

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 17:00:00

Statuses and deadline kinds were stored in English, the dossier's event kinds in Dutch (and
partly mixed: gesprek-cancelled); every code is English now and the Dutch words are labels
(``clm.rules.vocabulary.EVENT_LABELS``). The director-level talk's term moves from the
objections' column director_talk_due onto the deadlines table, closed where the outcome is
on record. Downgrading puts both back.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# English code -> the Dutch code stored before (a frozen copy: the enum may change later)
EVENT_CODES = {
    "action_closed": "actie-afgerond",
    "action_overdue": "actie-te-laat",
    "action_reminder": "actie-herinnering",
    "admin_alert": "melding-beheer",
    "admission_decision": "toetreding-besluit",
    "admission_overdue": "toetreding-termijn-verstreken",
    "admission_reminder": "toetreding-herinnering",
    "admission_requirements": "toetreding-eisen",
    "agenda": "agenda",
    "agenda_point": "agendapunt",
    "application": "toetreding-aanmelding",
    "application_receipt": "toetreding-ontvangstbevestiging",
    "category_overridden": "categorie-overschreven",
    "classification": "classificatie",
    "contact_frequency": "contactfrequentie",
    "data_received": "gegevens-ontvangen",
    "director_talk": "directiegesprek",
    "director_talk_planned": "directiegesprek-gepland",
    "escalation_closed": "escalatie-gesloten",
    "escalation_opened": "escalatie-geopend",
    "extra_attendee": "extra-deelnemer",
    "group_invitation": "groepsoverleg-uitnodiging",
    "group_report": "groepsoverleg-verslag",
    "judged_scores": "beoordeling",
    "letter": "brief",
    "meeting_attendee": "gesprek-attendee",
    "meeting_cancelled": "gesprek-cancelled",
    "meeting_moved": "gesprek-moved",
    "meeting_planned": "gesprek-gepland",
    "minutes_copy": "verslag-opgevraagd",
    "minutes_draft": "verslag-concept",
    "minutes_final": "verslag-definitief",
    "minutes_reaction": "verslag-reactie",
    "minutes_sent": "verslag-verstuurd",
    "objection": "bezwaar",
    "regional_analysis": "regioanalyse",
    "registered_mail": "aangetekend",
    "reminder": "herinnering",
    "signal": "signaal",
    "step_decided": "trede-besluit",
    "step_lapsed": "trede-vervallen",
    "step_requested": "trede-aangevraagd",
    "step_taken": "trede-genomen",
    "work_list": "werkvoorraad",
}
WORK_ITEM_CODES = {"crashed_run": "run-gecrasht"}
REPORT_CODES = {"regional_analysis": "regioanalyse"}

_dossier = sa.table("dossier_events", sa.column("kind", sa.String))
_work_items = sa.table("work_items", sa.column("kind", sa.String))
_reports = sa.table("reports", sa.column("kind", sa.String))


def _rename(table: sa.TableClause, codes: dict[str, str], *, to_english: bool) -> None:
    for new, old in codes.items():
        before, after = (old, new) if to_english else (new, old)
        op.execute(table.update().where(table.c.kind == before).values(kind=after))


def _day(value: object) -> date | None:
    """A date as the driver gives it (SQLite: text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _reminder_days() -> int:
    """The escalation reminder days of the region's config, or the default."""
    from clm.rules.config import EscalationRules

    try:
        from clm.services.common import region_config

        return region_config().escalation.reminder_working_days
    except Exception:  # noqa: BLE001 - a migration must not depend on a readable config
        return EscalationRules().reminder_working_days


def upgrade() -> None:
    _rename(_dossier, EVENT_CODES, to_english=True)
    _rename(_work_items, WORK_ITEM_CODES, to_english=True)
    _rename(_reports, REPORT_CODES, to_english=True)
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT o.id, o.director_talk_due, o.outcome_on, e.provider_id, p.contract_manager "
            "FROM objections o JOIN escalation_steps s ON s.id = o.step_id "
            "JOIN escalations e ON e.id = s.escalation_id "
            "JOIN providers p ON p.id = e.provider_id"
        )
    ).all()
    deadlines = sa.table(
        "deadlines",
        sa.column("kind", sa.String),
        sa.column("subject", sa.String),
        sa.column("subject_id", sa.Integer),
        sa.column("provider_id", sa.Integer),
        sa.column("owner", sa.String),
        sa.column("due_on", sa.Date),
        sa.column("first_due_on", sa.Date),
        sa.column("remind_before", sa.JSON),
        sa.column("reminded", sa.JSON),
        sa.column("closed_on", sa.Date),
    )
    days = _reminder_days()
    if rows:
        op.bulk_insert(
            deadlines,
            [
                {
                    "kind": "director_talk",
                    "subject": "objection",
                    "subject_id": r.id,
                    "provider_id": r.provider_id,
                    "owner": r.contract_manager,
                    "due_on": _day(r.director_talk_due),
                    "first_due_on": _day(r.director_talk_due),
                    "remind_before": [days],
                    "reminded": [],
                    "closed_on": _day(r.outcome_on),
                }
                for r in rows
            ],
        )
    with op.batch_alter_table("objections") as batch:
        batch.drop_column("director_talk_due")


def downgrade() -> None:
    with op.batch_alter_table("objections") as batch:
        batch.add_column(sa.Column("director_talk_due", sa.Date(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE objections SET director_talk_due = (SELECT d.first_due_on FROM deadlines d "
            "WHERE d.kind = 'director_talk' AND d.subject = 'objection' "
            "AND d.subject_id = objections.id)"
        )
    )
    # an objection without its deadline row (none should exist): the talk's term as received
    op.execute(
        sa.text(
            "UPDATE objections SET director_talk_due = received_on WHERE director_talk_due IS NULL"
        )
    )
    with op.batch_alter_table("objections") as batch:
        batch.alter_column("director_talk_due", existing_type=sa.Date(), nullable=False)
    op.execute(sa.text("DELETE FROM deadlines WHERE kind = 'director_talk'"))
    _rename(_reports, REPORT_CODES, to_english=False)
    _rename(_work_items, WORK_ITEM_CODES, to_english=False)
    _rename(_dossier, EVENT_CODES, to_english=False)
