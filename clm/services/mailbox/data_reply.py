"""A reply to the data request: each .xlsx through the data-sheet intake (one refusal mail
for every bad sheet of the reply), listed lines as proposed agenda points.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path, PurePath

from sqlalchemy import select

from clm.clock import stamp
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.replies import agenda_points
from clm.rules.vocabulary import EventKind, InboundStatus, PointStatus, WorkItemKind
from clm.services.data_intake import record_refusal, take_in_data_sheet
from clm.services.mailbox.replies import ACTOR, Action, Reply, sentence, staff_post
from clm.services.meetings import meeting_day
from clm.storage.db import UnitOfWork
from clm.storage.models import AgendaPoint, Meeting, Provider
from clm.storage.notify import ReplyTo, mail_with_event


def data_reply(uow_factory: Callable[[], UnitOfWork], cfg: RegionConfig, reply: Reply) -> Action:
    """The reply to a data request: sheets taken in or refused (one mail), points proposed."""
    provider = reply.provider
    with uow_factory() as uow:
        meeting = uow.session.get(Meeting, reply.subject_id)
        officer = meeting.support_officer
        day = meeting_day(meeting)
    sheets = [a for a in reply.attachments if PurePath(a[0]).suffix.lower() == ".xlsx"]
    done: list[str] = []
    work: list[tuple] = []
    refused: list[tuple[str, InvalidInput]] = []
    for name, _, content in sheets:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "gegevensblad.xlsx"
            path.write_bytes(content)
            try:
                result = take_in_data_sheet(
                    uow_factory(),
                    cfg,
                    path,
                    reply.as_of,
                    name,
                    from_provider=provider.code,
                    sent_at=reply.sent_at,
                )
            except InvalidInput as error:
                record_refusal(uow_factory(), path, error, reply.as_of)
                refused.append((name, error))
                done.append(f"gegevensblad {name} afgekeurd ({error.total} fout(en))")
                continue
        done.append(
            {
                "accepted": f"gegevensblad {name} ingenomen ({result.quarter})",
                "unchanged": f"gegevensblad {name} was al ingenomen",
                "superseded": f"gegevensblad {name} ({result.quarter}) eerder verzonden dan "
                f"het ingenomen blad {result.standing} van "
                f"{stamp(result.standing_sent or reply.sent_at)}; dat blijft staan",
            }[result.status]
        )
    if refused:
        # one answer for the whole reply, however many sheets it carried
        _send_refusal(uow_factory, cfg, reply, meeting.id, day, refused)
        done.append("de aanbieder kreeg de fouten in één mail")
    points = agenda_points(reply.answer, with_sheet=bool(sheets))
    if points:
        _propose_points(uow_factory, meeting.id, points, reply)
        done.append(f"{len(points)} bespreekpunt(en) voorgesteld")
        work.append(
            (
                officer,
                WorkItemKind.AGENDA_POINTS,
                f"{len(points)} bespreekpunt(en) van {provider.name} voor het gesprek van "
                f"{day:%d-%m-%Y}: bevestigen met 'bespreekpunten-bevestigen'",
            )
        )
    if not sheets and not points:
        work.append(staff_post(officer, provider, "de uitvraag van gegevens", reply))
        done.append("geen gegevensblad (.xlsx) en geen bespreekpunt; op de werkvoorraad")
    return Action(InboundStatus.DONE, sentence("; ".join(done)), work)


def _send_refusal(
    uow_factory: Callable[[], UnitOfWork],
    cfg: RegionConfig,
    reply: Reply,
    meeting_id: int,
    day: date,
    refused: list[tuple[str, InvalidInput]],
) -> None:
    names = ", ".join(name for name, _ in refused)
    errors = sum(error.total for _, error in refused)
    with uow_factory() as uow:
        provider = uow.session.get(Provider, reply.provider.id)
        mail_with_event(
            uow.session,
            cfg,
            key=f"inbound:{reply.inbound_id}:refused",
            template="data_refused",
            context={
                "provider": provider,
                "region": cfg.region,
                "received": reply.received,
                "sheets": [
                    {
                        "file": name,
                        "title": error.title,
                        "problems": [str(p) for p in error.problems[:50]],
                        "more": max(0, error.total - 50),
                    }
                    for name, error in refused
                ],
                "meeting_day": day,
            },
            to=[provider.contact_email],
            subject=(
                f"Niet ingenomen: uw gegevensblad {names}"
                if len(refused) == 1
                else f"Niet ingenomen: uw {len(refused)} gegevensbladen ({names})"
            )[:200],
            provider_id=provider.id,
            kind=EventKind.DATA_RECEIVED,
            actor=ACTOR,
            as_of=reply.as_of,
            summary=f"Gegevensblad(en) {names} per mail afgekeurd ({errors} fout(en)); de "
            "fouten zijn de aanbieder in één mail gemaild",
            reply=ReplyTo.data_request(meeting_id, day),
        )
        uow.commit()


def _propose_points(
    uow_factory: Callable[[], UnitOfWork],
    meeting_id: int,
    points: list[str],
    reply: Reply,
) -> None:
    with uow_factory() as uow:
        session = uow.session
        for n, text in enumerate(points, start=1):
            key = f"point:{meeting_id}:mail:{reply.inbound_id}:{n}"
            if session.scalar(select(AgendaPoint.id).where(AgendaPoint.key == key)):
                continue
            session.add(
                AgendaPoint(
                    key=key,
                    meeting_id=meeting_id,
                    text=text,
                    submitted_by=reply.by[:200],
                    status=PointStatus.PROPOSED,
                    inbound_id=reply.inbound_id,
                    sent_at=reply.sent_at,
                )
            )
        uow.commit()
