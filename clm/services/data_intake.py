"""Use case: take in a provider's filled-in data sheet (from the UI or the intake folder)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from clm.clock import as_utc, stamp, utcnow
from clm.documents.datasheet import parse_data_sheet
from clm.errors import InvalidInput
from clm.numbers import format_value
from clm.rules.agenda import figures_number
from clm.rules.config import RegionConfig
from clm.rules.deadlines import DeadlineKind, Subject
from clm.rules.meetings import quarter_label
from clm.rules.vocabulary import EventKind, IntakeStatus, MeetingStatus
from clm.services.common import inside_intake, provider_ids
from clm.services.deadlines import close_deadlines
from clm.services.kpi_signals import raise_kpi_signals
from clm.services.meetings import meeting_day
from clm.services.subcontracting import subcontractor_codes
from clm.storage.db import UnitOfWork
from clm.storage.dossier import record_event
from clm.storage.models import IntakeFile, KpiValue, Meeting, Provider
from clm.storage.notify import ReplyTo, mail_with_event

DATA_FOLDER = "gegevens"  # subfolder of the intake folder that the daily sweep watches


@dataclass(frozen=True)
class IntakeResult:
    status: str  # accepted, unchanged, superseded
    file_name: str
    provider_code: str
    quarter: str
    values: int
    standing: str = ""  # superseded: the sheet that stands, and when it was sent
    standing_sent: datetime | None = None


def _standing_sheet(session: Session, provider_id: int, quarter: str) -> IntakeFile | None:
    """The sheet whose figures stand for the provider's quarter: the one sent last."""
    taken = session.scalars(
        select(IntakeFile).where(
            IntakeFile.provider_id == provider_id,
            IntakeFile.quarter == quarter,
            IntakeFile.status == IntakeStatus.ACCEPTED,
        )
    ).all()
    return max(taken, key=_sent, default=None)


def _sent(intake: IntakeFile) -> datetime:
    return as_utc(intake.sent_at or intake.received_at)


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def take_in_data_sheet(
    uow: UnitOfWork,
    cfg: RegionConfig,
    path: Path,
    as_of: date,
    source: str | None = None,
    from_provider: str | None = None,
    sent_at: datetime | None = None,
) -> IntakeResult:
    """Validate a data sheet and store its figures per provider, quarter and KPI.

    A sheet for a quarter replaces that provider's earlier figures for the quarter; the same
    file again changes nothing. Invalid sheets raise :class:`InvalidInput`, nothing written.
    ``from_provider``: the sheet came from this provider (a reply by mail) and must be its own.
    ``sent_at``: when the mail that carried it was sent (a sheet from the folder or the form:
    now). The sheet sent last stands: one sent before the sheet already taken in for the
    quarter is kept as 'superseded' and changes no figure, whatever the order of reading.
    """
    source = source or path.name
    digest = file_hash(path)
    with uow:
        session = uow.session
        ids = provider_ids(session)
        sheet = parse_data_sheet(
            path, cfg.sheet_kpis, set(ids), source, subcontractor_codes(session)
        )
        if from_provider is not None and sheet.provider_code != from_provider:
            raise InvalidInput.one(
                source,
                f"het blad is van aanbieder {sheet.provider_code}, niet van {from_provider} die "
                "het stuurde; stuur het gegevensblad van uw eigen organisatie",
                title="Gegevensblad van een andere aanbieder",
            )
        seen = session.scalar(select(IntakeFile).where(IntakeFile.content_hash == digest))
        if seen is not None and seen.status == IntakeStatus.ACCEPTED:
            return IntakeResult(
                "unchanged", source, sheet.provider_code, sheet.quarter, len(sheet.values)
            )
        provider_id = ids[sheet.provider_code]
        moment = as_utc(sent_at) if sent_at else utcnow()
        standing = _standing_sheet(session, provider_id, sheet.quarter)
        # a file refused earlier (say, before a KPI was added to the config) is accepted now
        intake = seen or IntakeFile(content_hash=digest)
        intake.file_name, intake.errors, intake.sent_at = source, [], moment
        intake.provider_id, intake.quarter, intake.as_of = provider_id, sheet.quarter, as_of
        session.add(intake)
        if standing is not None and moment < (when := _sent(standing)):
            intake.status = IntakeStatus.SUPERSEDED
            record_event(
                session,
                key=f"data:{sheet.provider_code}:{sheet.quarter}:{digest[:16]}",
                provider_id=provider_id,
                kind=EventKind.DATA_RECEIVED,
                actor="intake-provider-data",
                as_of=as_of,
                summary=f"Gegevensblad {source} ({sheet.quarter}), verzonden {stamp(moment)}: "
                f"eerder verzonden dan het ingenomen blad {standing.file_name} van "
                f"{stamp(when)}; dat blijft staan, er is niets veranderd",
            )
            uow.commit()
            return IntakeResult(
                "superseded", source, sheet.provider_code, sheet.quarter, len(sheet.values),
                standing.file_name, when,
            )  # fmt: skip
        intake.status = IntakeStatus.ACCEPTED
        session.flush()
        session.execute(
            delete(KpiValue).where(
                KpiValue.provider_id == provider_id, KpiValue.quarter == sheet.quarter
            )
        )
        session.add_all(
            KpiValue(
                provider_id=provider_id,
                quarter=sheet.quarter,
                kpi_code=code,
                value=value,
                remark=sheet.remarks.get(code, ""),
                intake_id=intake.id,
            )
            for code, value in sheet.values.items()
        )
        # a subcontractor's own figures (KPIs per organisation), filled in by its main
        for sub_code in sorted({sub for sub, _ in sheet.organisation_values}):
            own = {k: v for (s, k), v in sheet.organisation_values.items() if s == sub_code}
            session.execute(
                delete(KpiValue).where(
                    KpiValue.provider_id == ids[sub_code],
                    KpiValue.quarter == sheet.quarter,
                    KpiValue.kpi_code.in_(list(own)),
                )
            )
            session.add_all(
                KpiValue(
                    provider_id=ids[sub_code],
                    quarter=sheet.quarter,
                    kpi_code=code,
                    value=value,
                    remark=f"via {sheet.provider_code} (hoofdaannemer)",
                    intake_id=intake.id,
                )
                for code, value in own.items()
            )
        for meeting in session.scalars(
            select(Meeting).where(
                Meeting.provider_id == provider_id,
                Meeting.quarter == sheet.quarter,
                Meeting.data_received_on.is_(None),
            )
        ):
            meeting.data_received_on = as_of
            close_deadlines(session, Subject.MEETING, [meeting.id], as_of, [DeadlineKind.DATA])
        provider = session.get(Provider, provider_id)
        raise_kpi_signals(
            session, cfg, provider, sheet.quarter, sheet.values, as_of, "intake: gegevensblad"
        )
        delivered = sum(v is not None for v in sheet.values.values())
        kpis = {k.code: k for k in cfg.sheet_kpis}
        meeting = session.scalar(
            select(Meeting)
            .where(
                Meeting.provider_id == provider_id,
                Meeting.quarter == sheet.quarter,
                Meeting.status == MeetingStatus.PLANNED,
            )
            .order_by(Meeting.starts_at)
        )
        # the provider's receipt is the dossier's record of the delivery (one key for both)
        mail_with_event(
            session,
            cfg,
            key=f"data:{sheet.provider_code}:{sheet.quarter}:{digest[:16]}",
            template="data_receipt",
            context={
                "provider": provider,
                "region": cfg.region,
                "quarter_label": quarter_label(sheet.quarter),
                "file": source,
                "received": as_of,
                "delivered": delivered,
                "rows": [
                    {
                        "label": kpis[code].label if code in kpis else code,
                        "value": "niet ingevuld"
                        if value is None
                        else format_value(value, kpis[code].unit if code in kpis else ""),
                    }
                    for code, value in sheet.values.items()
                ],
                "meeting": meeting,
                "meeting_day": meeting_day(meeting) if meeting else None,
                "figures_number": figures_number(cfg.agenda_items),
            },
            to=[provider.contact_email],
            subject=f"Ontvangen: uw gegevens over het {quarter_label(sheet.quarter)}",
            provider_id=provider_id,
            kind=EventKind.DATA_RECEIVED,
            actor="intake-provider-data",
            as_of=as_of,
            summary=f"Gegevens {sheet.quarter} ontvangen ({source}): {delivered} van "
            f"{len(sheet.values)} indicatoren ingevuld; ontvangstbevestiging verstuurd",
            # a corrected sheet can be sent as a reply to the receipt
            reply=ReplyTo.data_request(meeting.id, meeting_day(meeting)) if meeting else None,
        )
        uow.commit()
        return IntakeResult(
            "accepted", source, sheet.provider_code, sheet.quarter, len(sheet.values)
        )


def intake_identity(path: Path, folder: Path) -> str:
    """What the sweep remembers a file by: its content's hash, or for a link that points
    out of the folder a hash of the link itself (its target is never read)."""
    if inside_intake(path, folder):
        return file_hash(path)
    target = os.readlink(path) if path.is_symlink() else "?"
    return hashlib.sha256(f"buiten-intake:{path.name}->{target}".encode()).hexdigest()


def new_intake_files(uow: UnitOfWork, folder: Path) -> list[Path]:
    """Data sheets in the watched folder that were never taken in or refused before."""
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.glob("*.xlsx") if p.is_file() or p.is_symlink())
    with uow:
        known = set(uow.session.scalars(select(IntakeFile.content_hash)))
    return [p for p in files if intake_identity(p, folder) not in known]


def check_intake_path(path: Path, folder: Path) -> None:
    """The rule of the form's file field for the sweep's scan too: a link out of the intake
    folder is refused, its target not read."""
    if not inside_intake(path, folder):
        raise InvalidInput.one(
            path.name,
            f"verwijst naar een bestand buiten de intakemap {folder}; zet het bestand zelf in "
            "de map",
            title="Bestand buiten de intakemap",
        )


def record_refusal(
    uow: UnitOfWork, path: Path, error: InvalidInput, as_of: date, folder: Path | None = None
) -> None:
    """Remember a refused file so the sweep does not try it again every day."""
    with uow:
        uow.session.add(
            IntakeFile(
                file_name=path.name[:300],
                content_hash=intake_identity(path, folder or path.parent),
                status=IntakeStatus.REFUSED,
                errors=[str(p)[:2000] for p in error.problems[:100]],
                as_of=as_of,
            )
        )
        uow.commit()
