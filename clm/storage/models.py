"""Database tables (SQLAlchemy 2, declarative with typed columns).

Schema changes go through Alembic migrations in ``clm/migrations``; these classes are the
source they are written against.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from clm.clock import utcnow


class Base(DeclarativeBase):
    pass


class Provider(Base):
    """A contracted care provider (jeugdhulpaanbieder)."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # AGB-style code
    name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    board_email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(300), default="")
    contract_manager: Mapped[str] = mapped_column(String(50))  # staff key from config
    care_types: Mapped[str] = mapped_column(String(200), default="")  # comma-separated lot codes
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeclarationImport(Base):
    """One accepted declaration file: which periods it replaced, and its content hash."""

    __tablename__ = "declaration_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    periods: Mapped[list[str]] = mapped_column(JSON)
    row_count: Mapped[int] = mapped_column(Integer)
    total_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    as_of: Mapped[date] = mapped_column(Date)


class Declaration(Base):
    """One declared service: provider, client, municipality, month, amount, care type."""

    __tablename__ = "declarations"
    # The classification reads these columns for a period: kept in the index, the table itself
    # is not visited for each of a region's millions of rows.
    __table_args__ = (
        Index(
            "ix_declarations_period_figures",
            "period",
            "provider_id",
            "client_ref",
            "municipality_code",
            "amount",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    client_ref: Mapped[str] = mapped_column(String(64))
    municipality_code: Mapped[str] = mapped_column(String(6))
    period: Mapped[date] = mapped_column(Date)  # first day of the month
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    care_type: Mapped[str] = mapped_column(String(20))
    import_id: Mapped[int] = mapped_column(ForeignKey("declaration_imports.id"))


class JudgedScore(Base):
    """The contract manager's scores on the three judged criteria for one year."""

    __tablename__ = "judged_scores"
    __table_args__ = (UniqueConstraint("provider_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    year: Mapped[int] = mapped_column(Integer)
    specialisation: Mapped[int] = mapped_column(Integer)
    information: Mapped[int] = mapped_column(Integer)
    political_importance: Mapped[int] = mapped_column(Integer)
    remark: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(50))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ClassificationRow(Base):
    """A provider's classification for one year: criteria points, score and category."""

    __tablename__ = "classifications"
    __table_args__ = (UniqueConstraint("provider_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    year: Mapped[int] = mapped_column(Integer)
    reference_start: Mapped[date] = mapped_column(Date)
    reference_end: Mapped[date] = mapped_column(Date)
    clients: Mapped[int] = mapped_column(Integer)
    municipalities: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    points: Mapped[dict[str, Any]] = mapped_column(JSON)  # criterion -> points or None
    score: Mapped[Decimal] = mapped_column(Numeric(3, 1))
    computed_category: Mapped[int] = mapped_column(Integer)
    category: Mapped[int] = mapped_column(Integer)  # after any override
    meeting_months: Mapped[list[int]] = mapped_column(JSON)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # +1 on every stored change
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    as_of: Mapped[date] = mapped_column(Date)

    provider: Mapped[Provider] = relationship()

    @property
    def meetings_per_year(self) -> int:
        return len(self.meeting_months)


class CategoryOverride(Base):
    """A contract manager's override of the computed category, with the reason kept."""

    __tablename__ = "category_overrides"
    __table_args__ = (UniqueConstraint("provider_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(50))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    """An email waiting to be (or already) delivered; written with the change that causes it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # idempotency key
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    to_addrs: Mapped[list[str]] = mapped_column(JSON)
    cc_addrs: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the reply reference (MailReference.token) of a mail that expects an answer: its
    # Reply-To is the region's plus-address with this token
    reference: Mapped[str | None] = mapped_column(String(12))

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        order_by="OutboxAttachment.id", cascade="all, delete-orphan"
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DossierEvent(Base):
    """One entry of a provider's contract dossier: what happened, when, by whom."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # idempotency key
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    as_of: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(50))
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutboxAttachment(Base):
    """A file sent with an outbox message (agenda PDF, calendar invite, data sheet)."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Meeting(Base):
    """A progress meeting (contractvoortgangsgesprek) with one provider."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("provider_id", "meeting_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    meeting_month: Mapped[date] = mapped_column(Date)  # first day of the meeting month
    cycle_year: Mapped[int] = mapped_column(Integer)  # classification year it belongs to
    quarter: Mapped[str] = mapped_column(String(7))  # data period discussed, e.g. 2027-Q1
    uid: Mapped[str] = mapped_column(String(200), unique=True)  # iCalendar UID, never changes
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE
    status: Mapped[str] = mapped_column(String(12), default="planned")  # planned, cancelled
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location: Mapped[str] = mapped_column(String(300))
    location_url: Mapped[str] = mapped_column(String(300), default="")
    contract_manager: Mapped[str] = mapped_column(String(50))
    support_officer: Mapped[str] = mapped_column(String(50))
    contract_administration: Mapped[str] = mapped_column(String(50))
    optional_staff: Mapped[list[str]] = mapped_column(JSON, default=list)  # policy / control
    data_deadline: Mapped[date] = mapped_column(Date)
    final_agenda_due: Mapped[date] = mapped_column(Date)
    data_received_on: Mapped[date | None] = mapped_column(Date)
    final_agenda_sent_on: Mapped[date | None] = mapped_column(Date)
    planned_on: Mapped[date] = mapped_column(Date)

    provider: Mapped[Provider] = relationship()


class AgendaPoint(Base):
    """A point the provider (or the region) adds to a meeting's agenda. A point that came by
    mail is 'proposed' until the support officer confirms it; only confirmed points reach
    the final agenda."""

    __tablename__ = "agenda_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="confirmed")  # proposed, rejected
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_mails.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # by mail


class AttendeeRequest(Base):
    """A request to the provider for an extra staff member at a meeting, and its answer."""

    __tablename__ = "attendee_requests"
    __table_args__ = (UniqueConstraint("meeting_id", "staff_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    staff_key: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(10), default="requested")  # accepted, declined
    remark: Mapped[str] = mapped_column(Text, default="")
    requested_on: Mapped[date] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)


class IntakeFile(Base):
    """A data sheet taken in from the intake folder (accepted or refused)."""

    __tablename__ = "intake_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10))  # accepted, refused
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    quarter: Mapped[str | None] = mapped_column(String(7))
    errors: Mapped[list[str]] = mapped_column(JSON, default=list)
    as_of: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # when the provider sent it: an older sheet never replaces a newer one's figures
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class KpiValue(Base):
    """One figure a provider delivered for a quarter."""

    __tablename__ = "kpi_values"
    __table_args__ = (UniqueConstraint("provider_id", "quarter", "kpi_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7))
    kpi_code: Mapped[str] = mapped_column(String(50))
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))  # None: 'geen gegevens'
    remark: Mapped[str] = mapped_column(Text, default="")
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake_files.id"))


class Signal(Base):
    """A signal of (threatening) non-compliance for the contract manager (seed 004)."""

    __tablename__ = "signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # quality, continuity, lawfulness, timeliness
    source: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    as_of: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Minutes(Base):
    """The minutes (verslag) of a meeting: draft, sent for reaction, final."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft, sent, final
    version: Mapped[int] = mapped_column(Integer, default=0)  # last version sent
    attendees: Mapped[list[str]] = mapped_column(JSON, default=list)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[str] = mapped_column(String(50))
    recorded_on: Mapped[date] = mapped_column(Date)
    first_sent_on: Mapped[date | None] = mapped_column(Date)
    reaction_due: Mapped[date | None] = mapped_column(Date)
    open_comments: Mapped[bool] = mapped_column(default=False)
    finalised_on: Mapped[date | None] = mapped_column(Date)


class MinutesVersion(Base):
    """Each version of the minutes as it was sent (or finalised), with its PDF."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("minutes_id", "version", "final"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    final: Mapped[bool] = mapped_column(default=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_on: Mapped[date] = mapped_column(Date)


class MinutesReaction(Base):
    """The provider's reaction to a version: agreed, or comments per agenda item."""

    __tablename__ = "minutes_reactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    agreed: Mapped[bool] = mapped_column()
    comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    received_on: Mapped[date] = mapped_column(Date)
    registered_by: Mapped[str] = mapped_column(String(50))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ActionItem(Base):
    """An agreed action (actiepunt): what, who, by when (SMART, seed 004).

    It comes from an individual meeting (``meeting_id``, the provider's) or from a group
    meeting (``group_meeting_id``; ``provider_id`` is the provider holding it, None when a
    region's staff member does).
    """

    __tablename__ = "action_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        UniqueConstraint("group_meeting_id", "number", name="uq_action_items_group_meeting"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    group_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_meetings.id", name="fk_action_items_group_meeting"), index=True
    )
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the meeting
    agenda_item: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    owner_side: Mapped[str] = mapped_column(String(10))  # provider, region
    owner_name: Mapped[str] = mapped_column(String(200))
    owner_email: Mapped[str] = mapped_column(String(254))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, done
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_remark: Mapped[str] = mapped_column(Text, default="")


class DossierDocument(Base):
    """A document kept in the contract dossier (final minutes, letters)."""

    __tablename__ = "dossier_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Escalation(Base):
    """An escalation of one provider on the ladder of seed 004, from opening to closing."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, closed
    current_step: Mapped[int | None] = mapped_column(Integer)  # last active step
    opened_on: Mapped[date] = mapped_column(Date)
    heard_on: Mapped[date | None] = mapped_column(Date)  # hearing both sides first
    hearing_summary: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(Text, default="")  # why there was no hearing first
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str] = mapped_column(Text, default="")


class EscalationStep(Base):
    """A (requested) step: its reason, approval, letter and objection (its terms are
    deadlines, ``clm.services.deadlines.step_terms``)."""

    __tablename__ = "escalation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # clm.vocabulary.StepStatus
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(50))
    requested_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(50))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_remark: Mapped[str] = mapped_column(Text, default="")
    acute: Mapped[bool] = mapped_column(default=False)
    safety_or_fraud: Mapped[bool] = mapped_column(default=False)
    fine: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    reclaim: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    measure: Mapped[str] = mapped_column(Text, default="")  # e.g. 'volledig' / 'gedeeltelijk'
    recovery_days: Mapped[int | None] = mapped_column(Integer)  # step 3: this case's term
    skip_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    taken_on: Mapped[date | None] = mapped_column(Date)
    registered_mail: Mapped[str] = mapped_column(String(100), default="")
    # the run waiting for the second person's decision (its Resume dialog), for the work list
    approval_run: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # step 7, dissolution: the day the contracts end (empty: the day the step is taken)
    ends_on: Mapped[date | None] = mapped_column(Date)


class ApprovalCode(Base):
    """A one-time code for one staff member to decide one escalation step: stored only as a
    hash, valid once, until the approval window ends."""

    __tablename__ = "approval_codes"
    __table_args__ = (UniqueConstraint("step_id", "staff_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("escalation_steps.id"), index=True)
    staff_key: Mapped[str] = mapped_column(String(50))
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    used_on: Mapped[date | None] = mapped_column(Date)


class Evidence(Base):
    """Evidence of a serious wrong or of fraud, needed for steps 5–7."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(300))
    document: Mapped[str] = mapped_column(String(300))
    recorded_by: Mapped[str] = mapped_column(String(50))
    recorded_on: Mapped[date] = mapped_column(Date)


class Objection(Base):
    """The provider's written objection against a step (from step 3 on)."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("escalation_steps.id"), unique=True)
    received_on: Mapped[date] = mapped_column(Date)
    in_time: Mapped[bool] = mapped_column()
    suspends: Mapped[bool] = mapped_column()
    summary: Mapped[str] = mapped_column(Text, default="")
    # the talk's term is a deadline (kind director_talk), as every term
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_on: Mapped[date | None] = mapped_column(Date)


class GroupMeeting(Base):
    """A meeting with all contracted providers of a lot, or of all lots (seed 002, level 2)."""

    __tablename__ = "group_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. 2027-03 or 2027-03:AMB
    care_type: Mapped[str] = mapped_column(String(20), default="")  # "" = every lot
    uid: Mapped[str] = mapped_column(String(200), unique=True)  # iCalendar UID
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, invited, held
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location: Mapped[str] = mapped_column(String(300))
    opened_on: Mapped[date] = mapped_column(Date)
    invite_due: Mapped[date] = mapped_column(Date)  # final agenda and invitation by then
    agenda: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    agenda_set_on: Mapped[date | None] = mapped_column(Date)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    report_recorded_on: Mapped[date | None] = mapped_column(Date)
    framework_change: Mapped[str] = mapped_column(Text, default="")  # proposal, art. 8
    report_pdf: Mapped[bytes | None] = mapped_column(LargeBinary)


class GroupTopic(Base):
    """A topic proposed for a group meeting, by the region or by a provider."""

    __tablename__ = "group_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    group_meeting_id: Mapped[int] = mapped_column(ForeignKey("group_meetings.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    proposed_by: Mapped[str] = mapped_column(String(200))  # provider name or staff key
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    proposed_on: Mapped[date] = mapped_column(Date)


class Report(Base):
    """A rendered report (the regional analysis of a quarter), one row per distinct content."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("kind", "period", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(10))
    digest: Mapped[str] = mapped_column(String(64))  # of the figures it shows
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    as_of: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Deadline(Base):
    """A term someone must meet (``clm.deadlines``): one row per kind and subject.

    ``due_on`` may move (a meeting moved, data given a last chance after a reminder);
    ``first_due_on`` keeps the term as first set. ``remind_before`` are the reminders in
    working days before ``due_on``; ``reminded`` those sent. ``lapsed_on``: the day the sweep
    handled the passed term (signal, overdue notice, final minutes). ``closed_on``: the
    obligation was met or fell away (data delivered, action done, step superseded)."""

    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("kind", "subject", "subject_id", name="uq_deadlines_kind_subject"),
        Index("ix_deadlines_open", "closed_on", "lapsed_on", "due_on"),
        Index("ix_deadlines_subject", "subject", "subject_id"),
        # the daily sweep: per kind, open, by due date (migration 0016)
        Index("ix_deadlines_sweep", "kind", "closed_on", "lapsed_on", "due_on", "reminded_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    owner: Mapped[str] = mapped_column(String(254), default="")  # a staff key, or 'provider'
    due_on: Mapped[date] = mapped_column(Date)
    first_due_on: Mapped[date] = mapped_column(Date)
    remind_before: Mapped[list[int]] = mapped_column(JSON, default=list)
    reminded: Mapped[list[int]] = mapped_column(JSON, default=list)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    lapsed_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)


class WorkItem(Base):
    """Something a staff member must do that no other table holds: a run they started that
    crashed (the work list shows the rest from the deadlines, steps, minutes and signals)."""

    __tablename__ = "work_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    staff_key: Mapped[str] = mapped_column(String(50), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    # the provider's mail this item is about (unmatched post, agenda points to confirm)
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_mails.id"))


class Admission(Base):
    """A provider's application to join mid-term (seed 003: assessed within six months)."""

    __tablename__ = "admissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), unique=True)
    applied_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # key -> ok, document
    status: Mapped[str] = mapped_column(String(10), default="pending")  # admitted, refused
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(50), default="")
    decision_remark: Mapped[str] = mapped_column(Text, default="")


class MailReference(Base):
    """The reference a sent mail carries so that a reply finds what it answers."""

    __tablename__ = "mail_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # clm.rules.replies.ReplyKind
    subject_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int | None] = mapped_column(Integer)  # of the minutes
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    outbox_key: Mapped[str] = mapped_column(String(200))
    created_on: Mapped[date] = mapped_column(Date)


class InboundMail(Base):
    """A message read from the region mailbox (or the post folder), once by its Message-ID:
    what it was matched to, what was done, or why nothing was."""

    __tablename__ = "inbound_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    source: Mapped[str] = mapped_column(String(10))  # imap, folder
    from_addr: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    size: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # Date, bounded
    # processing, done, unmatched, ignored, failed (clm.rules.vocabulary.InboundStatus)
    status: Mapped[str] = mapped_column(String(12), index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")  # what was done, or why not
    reference: Mapped[str | None] = mapped_column(String(12))
    reply_kind: Mapped[str | None] = mapped_column(String(20))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)  # kept when no dossier holds it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    processed_on: Mapped[date | None] = mapped_column(Date)


class Contract(Base):
    """One lot (perceel) a provider holds under a framework agreement: its current term,
    the option years still open and the day the region decides on the next one."""

    __tablename__ = "contracts"
    __table_args__ = (UniqueConstraint("agreement", "provider_id", "lot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    agreement: Mapped[str] = mapped_column(String(50))  # the framework agreement's reference
    lot: Mapped[str] = mapped_column(String(20))  # a care type code of the config
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)  # the end of the current term
    option_years: Mapped[int] = mapped_column(Integer, default=0)  # still open
    decide_by: Mapped[date | None] = mapped_column(Date)  # on the next option year
    status: Mapped[str] = mapped_column(String(12), default="active")  # ContractStatus
    ended_on: Mapped[date | None] = mapped_column(Date)  # dissolved on this day
    end_reason: Mapped[str] = mapped_column(Text, default="")
    updated_on: Mapped[date] = mapped_column(Date)


class Amendment(Base):
    """A proposed change of the contract terms during the term (seed 003; seed 002 art. 8):
    what changes, for which lots and providers, why, from when, and where it stands."""

    __tablename__ = "amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # the same proposal once
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    change_kind: Mapped[str] = mapped_column(String(12))  # clm.rules.amendments.ChangeKind
    target: Mapped[str] = mapped_column(String(50), default="")  # a KPI code, tariff, …
    new_value: Mapped[str] = mapped_column(String(100), default="")
    lots: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every lot
    reason: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)
    origin: Mapped[str] = mapped_column(String(20))  # group_meeting, staff
    origin_ref: Mapped[str] = mapped_column(String(200), default="")
    proposed_by: Mapped[str] = mapped_column(String(50))
    proposed_on: Mapped[date] = mapped_column(Date)
    reaction_due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))  # AmendmentStatus
    decided_on: Mapped[date | None] = mapped_column(Date)
    deferred_to: Mapped[date | None] = mapped_column(Date)  # the next procurement moment
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")


class AmendmentParty(Base):
    """A provider consulted on an amendment, and its answer."""

    __tablename__ = "amendment_parties"
    __table_args__ = (UniqueConstraint("amendment_id", "provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    response: Mapped[str] = mapped_column(String(12), default="pending")  # PartyResponse
    # who is disadvantaged, as the provider states it: provider, clients, municipality
    disadvantaged: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    via: Mapped[str] = mapped_column(String(10), default="")  # staff, mail
    received_on: Mapped[date | None] = mapped_column(Date)
    registered_by: Mapped[str] = mapped_column(String(50), default="")
    # when the standing answer was sent: a later answer replaces it, an earlier one does not
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ContractTerm(Base):
    """One version of a contract term changed by an applied amendment: from its date on,
    this value holds (a KPI's norm: the benchmark and the signals use it)."""

    __tablename__ = "contract_terms"
    __table_args__ = (UniqueConstraint("change_kind", "target", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_kind: Mapped[str] = mapped_column(String(12))
    target: Mapped[str] = mapped_column(String(50))
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(Text)
    lots: Mapped[list[str]] = mapped_column(JSON, default=list)
    effective_from: Mapped[date] = mapped_column(Date)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendments.id"), unique=True)
    recorded_on: Mapped[date] = mapped_column(Date)


class Subcontract(Base):
    """A subcontractor (onderaannemer) working for a main contractor (hoofdaannemer) on one
    lot, from and until a date: its declarations count for the main contractor unless
    ``declarations_to`` says they belong to its own contract."""

    __tablename__ = "subcontracts"
    __table_args__ = (UniqueConstraint("main_provider_id", "sub_provider_id", "lot", "start_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    main_provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    sub_provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    lot: Mapped[str] = mapped_column(String(20))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)  # empty: open-ended
    declarations_to: Mapped[str] = mapped_column(String(10), default="main")  # main, own
    updated_on: Mapped[date] = mapped_column(Date)
