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
    __table_args__ = (Index("ix_declarations_period_provider", "period", "provider_id"),)

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
