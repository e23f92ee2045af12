"""A category decided otherwise: staff's override with its reason, and escalation step 1's
contact in every meeting month (kept as an override so a recomputation keeps it)."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import dutch_month
from clm.errors import InputProblem, InvalidInput
from clm.rules.config import RegionConfig, Role
from clm.rules.vocabulary import EventKind
from clm.services.common import provider_by_code
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import CategoryOverride, ClassificationRow, Provider

from .letters import record_classification


def override_category(
    uow: UnitOfWork,
    cfg: RegionConfig,
    provider_code: str,
    year: int,
    category: int,
    reason: str,
    decided_by: str,
    as_of: date,
) -> bool:
    """Record a contract manager's category for a provider and year; False if nothing changed.

    The override is kept with who and why, applied to the stored classification (with a new
    letter when the category changes) and re-applied by every recomputation.
    """
    problems = []
    if category not in (1, 2, 3, 4):
        problems.append(InputProblem("parameter category", "categorie moet 1, 2, 3 of 4 zijn"))
    if len(reason.strip()) < 10:
        problems.append(
            InputProblem("parameter reason", "een reden van minstens 10 tekens is verplicht")
        )
    member = cfg.staff_member(decided_by)
    if member.role != Role.CONTRACT_MANAGER:
        problems.append(
            InputProblem("parameter decided_by", f"{member.name} is geen contractmanager")
        )
    if problems:
        raise InvalidInput(problems, "Overschrijving afgekeurd, er is niets opgeslagen")
    with uow:
        session = uow.session
        provider = provider_by_code(session, provider_code)
        override = session.scalar(
            select(CategoryOverride).where(
                CategoryOverride.provider_id == provider.id, CategoryOverride.year == year
            )
        )
        if override and (override.category, override.reason) == (category, reason.strip()):
            return False
        if override is None:
            override = CategoryOverride(
                provider_id=provider.id,
                year=year,
                category=category,
                reason=reason.strip(),
                decided_by=decided_by,
            )
            session.add(override)
        else:
            override.category, override.reason = category, reason.strip()
            override.decided_by = decided_by
        session.flush()
        digest = hashlib.sha256(f"{category}:{reason.strip()}".encode()).hexdigest()[:12]
        record_event(
            session,
            key=f"override:{year}:{provider.code}:{override.id}:{digest}",
            provider_id=provider.id,
            kind=EventKind.CATEGORY_OVERRIDDEN,
            actor=decided_by,
            as_of=as_of,
            summary=f"Categorie {year} vastgesteld op {category} door {member.name}: {reason}",
            data={"year": year, "category": category, "reason": reason.strip()},
        )
        row = session.scalar(
            select(ClassificationRow).where(
                ClassificationRow.provider_id == provider.id, ClassificationRow.year == year
            )
        )
        if row is not None and row.category != category:
            row.category = category
            row.meeting_months = cfg.classification.categories[category - 1].meeting_months
            row.revision += 1
            row.as_of = as_of
            record_classification(
                session, cfg, provider, row, override, as_of, decided_by, letter=True
            )
        uow.commit()
    return True


def raise_contact_frequency(
    session: Session, cfg: RegionConfig, provider: Provider, as_of: date, actor: str
) -> None:
    """Escalation step 1 means more meetings: the provider meets in every meeting month of
    this year's cycle. Kept as a category override with its reason, so a recomputation keeps
    it too. (The escalation calls this; the classification's tables are written here only.)"""
    year = as_of.year  # April to January of this year's cycle are still to come
    row = session.scalar(
        select(ClassificationRow).where(
            ClassificationRow.provider_id == provider.id, ClassificationRow.year == year
        )
    )
    top = cfg.classification.categories[0]
    if row is None or row.category == top.number:
        return
    reason = "Trede 1 van de escalatieladder: verhoogde intensiteit van het contractmanagement"
    override = session.scalar(
        select(CategoryOverride).where(
            CategoryOverride.provider_id == provider.id, CategoryOverride.year == year
        )
    )
    if override is None:
        session.add(
            CategoryOverride(
                provider_id=provider.id,
                year=year,
                category=top.number,
                reason=reason,
                decided_by=actor,
            )
        )
    else:
        override.category, override.reason, override.decided_by = top.number, reason, actor
    row.category, row.meeting_months = top.number, top.meeting_months
    row.revision += 1
    record_event(
        session,
        key=f"classification:{year}:{provider.code}:r{row.revision}",
        provider_id=provider.id,
        kind=EventKind.CONTACT_FREQUENCY,
        actor=actor,
        as_of=as_of,
        summary=f"Contactfrequentie verhoogd: gesprekken in "
        f"{', '.join(dutch_month(m) for m in top.meeting_months)} ({reason})",
    )
