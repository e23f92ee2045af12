"""What a provider is told of its classification: the dossier event and the letter, with the
criteria and the meeting dates its category brings."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from clm.clock import dutch_month
from clm.numbers import format_euro, format_number
from clm.rules.classification import CRITERIA
from clm.rules.commands import ReferencePeriod
from clm.rules.config import RegionConfig
from clm.rules.quarters import MeetingMonth
from clm.rules.vocabulary import EventKind
from clm.storage.dossier import record_event
from clm.storage.models import CategoryOverride, ClassificationRow, Provider
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


def record_classification(
    session: Session,
    cfg: RegionConfig,
    provider: Provider,
    row: ClassificationRow,
    override: CategoryOverride | None,
    as_of: date,
    actor: str,
    *,
    letter: bool,
    known: KnownKeys | None = None,
) -> bool:
    """The dossier event of a (re)classification and, when due, the letter in the outbox;
    whether a letter was added (not one already there)."""
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
        return False
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
    return added


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
