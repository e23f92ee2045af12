"""Use cases of the yearly classification: compute, store with letters, override."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from clm.clock import dutch_month
from clm.documents.rendering import format_euro, format_number
from clm.errors import InputProblem, InvalidInput, MissingJudgedScores
from clm.rules.classification import CRITERIA, classify, factual_figures, providers_missing_judged
from clm.rules.commands import ReferencePeriod
from clm.rules.config import RegionConfig, Role
from clm.rules.quarters import MeetingMonth
from clm.rules.vocabulary import EventKind
from clm.services.common import provider_by_code
from clm.services.subcontracting import count_for_main, subcontractor_only
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import (
    CategoryOverride,
    ClassificationRow,
    Declaration,
    JudgedScore,
    Provider,
)
from clm.storage.notify import KnownKeys, mail_with_event


def meeting_dates(year: int, months: list[int]) -> str:
    """The meeting months of a cycle as a sentence says them: 'april en oktober 2027',
    'april, juli en oktober 2027 en januari 2028' (January closes the cycle of the year
    before it, so it falls in the next calendar year)."""
    by_year: dict[int, list[str]] = {}
    for m in months:
        by_year.setdefault(year + 1 if m == 1 else year, []).append(dutch_month(m))
    return " en ".join(f"{_and(names)} {y}" for y, names in sorted(by_year.items()))


def letter_meetings(year: int, months: list[int], as_of: date) -> str:
    """When the meetings are, as the letter says it after '… per jaar': all of the cycle for
    the yearly classification, only those still to come for a provider admitted mid-term
    (in November the April meeting is past), and the next cycle's first when none is left."""
    first = MeetingMonth.after(as_of).first_day
    ahead = [m for m in months if MeetingMonth(year + 1 if m == 1 else year, m).first_day >= first]
    if ahead == list(months):
        return f", in {meeting_dates(year, months)}"
    if ahead:
        return f"; dit jaar nog in {meeting_dates(year, ahead)}"
    upcoming = meeting_dates(year + 1, months[:1])
    return f"; dit jaar is er geen gesprek meer, het eerste is in {upcoming}"


def _and(words: list[str]) -> str:
    """'april', 'april en juli', 'april, juli en oktober'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} en {words[-1]}"


def compute_classification(
    uow: UnitOfWork,
    cfg: RegionConfig,
    year: int,
    period: ReferencePeriod,
    provider_codes: list[str] | None = None,
) -> pd.DataFrame:
    """Classify every active provider (or those of ``provider_codes``) for ``year``; reads
    only, writes nothing.

    Raises :class:`MissingJudgedScores` when providers lack judged scores and the config
    does not allow classifying without them.
    """
    with uow:
        conn = uow.session.connection()
        providers = pd.read_sql(
            select(Provider.id, Provider.code, Provider.name)
            .where(Provider.active)
            .where(Provider.code.in_(provider_codes) if provider_codes is not None else True)
            .order_by(Provider.code),
            conn,
        )
        # The database first sums the months per provider, client and municipality: the
        # distinct counts and the revenue pandas computes from that are the same, and a
        # region's year of declarations shrinks about tenfold before it leaves the database.
        declarations = pd.read_sql(
            select(
                Declaration.provider_id,
                Declaration.client_ref,
                Declaration.municipality_code,
                func.sum(cast(Declaration.amount, Float)).label("amount"),
            )
            .where(Declaration.period.between(period.start, period.end))
            .group_by(
                Declaration.provider_id, Declaration.client_ref, Declaration.municipality_code
            ),
            conn,
        )
        # a subcontractor's declarations count for its main contractor (seed 001); one
        # without a contract of its own is not classified, its main contractor is
        declarations = count_for_main(
            uow.session, declarations, period.start, period.end, ["client_ref", "municipality_code"]
        )
        only_sub = subcontractor_only(uow.session, period.start, period.end)
        providers = providers[~providers["id"].isin(only_sub)].reset_index(drop=True)
        judged = pd.read_sql(
            select(
                Provider.code,
                JudgedScore.specialisation,
                JudgedScore.information,
                JudgedScore.political_importance,
            )
            .join(Provider, Provider.id == JudgedScore.provider_id)
            .where(JudgedScore.year == year),
            conn,
        ).set_index("code")

    codes = providers["code"].tolist()
    missing = providers_missing_judged(judged, codes)
    if missing and not cfg.classification.allow_missing_judged:
        names = providers.set_index("code")["name"]
        raise MissingJudgedScores(year, [f"{c} {names[c]}" for c in missing])

    figures = factual_figures(declarations, providers["id"].tolist(), by="provider_id")
    figures.index = pd.Index(codes, name="provider_code")
    result = classify(figures, judged, cfg.classification)
    result.insert(0, "name", providers["name"].to_numpy())
    return result


@dataclass
class StoreSummary:
    """What storing a classification changed."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    letters: int = 0
    overridden: int = 0
    changed_codes: list[str] = field(default_factory=list)


def _points(record: pd.Series) -> dict[str, int | None]:
    return {
        k: None if pd.isna(record[f"points_{k}"]) else int(record[f"points_{k}"]) for k in CRITERIA
    }


def store_classification(
    uow: UnitOfWork,
    cfg: RegionConfig,
    year: int,
    period: ReferencePeriod,
    result: pd.DataFrame,
    as_of: date,
    actor: str = "yearly-classification",
) -> StoreSummary:
    """Write the classification of ``year`` with its letters and dossier events, in one commit.

    A provider whose figures did not change gets nothing new. A standing category override
    is applied again, so it survives a recomputation.
    """
    summary = StoreSummary()
    with uow:
        session = uow.session
        providers = {p.code: p for p in session.scalars(select(Provider))}
        existing = {
            r.provider_id: r
            for r in session.scalars(
                select(ClassificationRow).where(ClassificationRow.year == year)
            )
        }
        overrides = {
            o.provider_id: o
            for o in session.scalars(select(CategoryOverride).where(CategoryOverride.year == year))
        }
        known = KnownKeys.load(session, f"classification:{year}:")
        for code, record in result.iterrows():
            provider = providers[str(code)]
            override = overrides.get(provider.id)
            category = override.category if override else int(record["category"])
            values: dict[str, Any] = {
                "reference_start": period.start,
                "reference_end": period.end,
                "clients": int(record["clients"]),
                "municipalities": int(record["municipalities"]),
                "revenue": Decimal(str(record["revenue"])).quantize(Decimal("0.01")),
                "points": _points(record),
                "score": Decimal(str(record["score"])).quantize(Decimal("0.1")),
                "computed_category": int(record["category"]),
                "category": category,
                "meeting_months": cfg.classification.categories[category - 1].meeting_months,
                "warnings": list(record["warnings"]),
            }
            row = existing.get(provider.id)
            if row is not None and all(getattr(row, k) == v for k, v in values.items()):
                summary.unchanged += 1
                continue
            if override:
                summary.overridden += 1
            is_new = row is None
            letter_due = is_new or (row.category, row.meeting_months) != (
                values["category"],
                values["meeting_months"],
            )
            if row is None:
                row = ClassificationRow(provider_id=provider.id, year=year, revision=0, **values)
                session.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            row.revision += 1
            row.as_of = as_of
            if is_new:
                summary.new += 1
            else:
                summary.changed += 1
            summary.changed_codes.append(provider.code)
            _record(
                session,
                cfg,
                provider,
                row,
                override,
                as_of,
                actor,
                letter=letter_due or not cfg.classification.letter_on_change_only,
                summary=summary,
                known=known,
            )
        uow.commit()
    return summary


def _record(
    session: Session,
    cfg: RegionConfig,
    provider: Provider,
    row: ClassificationRow,
    override: CategoryOverride | None,
    as_of: date,
    actor: str,
    *,
    letter: bool,
    summary: StoreSummary | None = None,
    known: KnownKeys | None = None,
) -> None:
    """The dossier event of a (re)classification and, when due, the letter in the outbox."""
    category = cfg.classification.categories[row.category - 1]
    base = f"classification:{row.year}:{provider.code}:r{row.revision}"
    record_event(
        session,
        key=base,
        provider_id=provider.id,
        kind=EventKind.CLASSIFICATION,
        actor=actor,
        as_of=as_of,
        summary=(
            f"Classificatie {row.year}: score {format_number(row.score)}, categorie {row.category} "
            f"({category.label}), {len(row.meeting_months)} gesprek(ken) per jaar"
            + (f"; categorie vastgesteld door {override.decided_by}" if override else "")
        ),
        data={
            "year": row.year,
            "revision": row.revision,
            "score": str(row.score),
            "computed_category": row.computed_category,
            "category": row.category,
            "points": row.points,
            "warnings": row.warnings,
        },
        known_keys=known.dossier if known else None,
    )
    if not letter:
        return
    manager = cfg.staff_by_key.get(provider.contract_manager)
    context = {
        "region": cfg.region,
        "provider": provider,
        "row": row,
        "category": category,
        "override": override,
        "manager": manager,
        "criteria": _criteria_lines(cfg, row),
        "meetings": letter_meetings(row.year, row.meeting_months, as_of),
        "period": ReferencePeriod(row.reference_start, row.reference_end).text(),
        "sender": cfg.mail,
    }
    subject = (
        f"Classificatie contractmanagement {row.year}: {provider.name} in categorie {row.category}"
    )
    added = mail_with_event(
        session,
        cfg,
        key=f"{base}:letter",
        template="classification_letter",
        context=context,
        to=[provider.contact_email],
        cc=[manager.email] if manager else [],
        subject=subject,
        provider_id=provider.id,
        kind=EventKind.LETTER,
        actor=actor,
        as_of=as_of,
        summary=f"Brief verstuurd: {subject}",
        known=known,
    )
    if added and summary is not None:
        summary.letters += 1


def _criteria_lines(cfg: RegionConfig, row: ClassificationRow) -> list[dict[str, str]]:
    figures = {
        "clients": str(row.clients),
        "municipalities": f"{row.municipalities} van {len(cfg.municipalities)}",
        "revenue": format_euro(row.revenue),
    }
    lines = []
    for key in CRITERIA:
        criterion = getattr(cfg.classification.criteria, key)
        points = row.points.get(key)
        lines.append(
            {
                "label": criterion.label,
                "value": figures.get(key, "beoordeling contractmanager"),
                "points": "geen gegevens" if points is None else str(points),
                "weight": f"{criterion.weight:g}",
            }
        )
    return lines


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
            _record(session, cfg, provider, row, override, as_of, decided_by, letter=True)
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
