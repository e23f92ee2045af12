"""Use case: export a provider's contract dossier for a period, as one PDF with every event
and a zip of the originals (mails as .eml with their attachments, final documents)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from clm.documents.pdf import html_to_pdf
from clm.documents.rendering import render
from clm.errors import InvalidInput
from clm.rules.config import RegionConfig
from clm.rules.labels import actor_label
from clm.services.common import provider_by_code
from clm.storage.db import UnitOfWork
from clm.storage.mail import build_message
from clm.storage.models import DossierDocument, DossierEvent, OutboxMessage
from clm.storage.outbox import envelope_of


@dataclass(frozen=True)
class DossierExport:
    pdf: str
    zip: str
    events: int
    originals: int


def export_dossier(
    uow: UnitOfWork, cfg: RegionConfig, provider_code: str, start: date, end: date, folder: Path
) -> DossierExport:
    """Write ``dossier-<AGB>-<start>-<end>.pdf`` and ``.zip`` into ``folder``."""
    if start > end:
        raise InvalidInput.one(
            "parameters start/end", "begin ligt na het einde", title="Ongeldige periode"
        )
    with uow:
        session = uow.session
        provider = provider_by_code(session, provider_code)
        events = session.scalars(
            select(DossierEvent)
            .where(DossierEvent.provider_id == provider.id, DossierEvent.as_of.between(start, end))
            .order_by(DossierEvent.as_of, DossierEvent.id)
        ).all()
        keys = {e.data.get("outbox_key") for e in events} | {e.key for e in events}
        messages = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.provider_id == provider.id, OutboxMessage.key.in_(keys))
            .order_by(OutboxMessage.id)
        ).all()
        documents = session.scalars(
            select(DossierDocument).where(
                DossierDocument.provider_id == provider.id, DossierDocument.event_key.in_(keys)
            )
        ).all()
        # a provider's mail is kept whole (.eml) and with its attachments, each a document
        # under the mail's event key ('inbound:7:eml', 'inbound:7:bijlage:1')
        mails = {k for k in keys if k and k.startswith("inbound:")}
        documents = [*documents] + [
            d
            for d in session.scalars(
                select(DossierDocument)
                .where(
                    DossierDocument.provider_id == provider.id,
                    DossierDocument.event_key.like("inbound:%"),
                )
                .order_by(DossierDocument.id)
            )
            if ":".join(d.event_key.split(":", 2)[:2]) in mails
        ]
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"dossier-{provider.code}-{start:%Y%m%d}-{end:%Y%m%d}"
        staff = {key: member.name for key, member in cfg.staff_by_key.items()}
        html = render(
            "dossier/export.html.j2",
            provider=provider,
            region=cfg.region,
            start=start,
            end=end,
            events=events,
            actors={e.actor: actor_label(e.actor, staff) for e in events},
            messages=messages,
            documents=documents,
        )
        stem.with_suffix(".pdf").write_bytes(html_to_pdf(html))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for n, msg in enumerate(messages, 1):
                envelope = envelope_of(msg, cfg.mail, cfg.mail.reply_to)
                archive.writestr(
                    f"mails/{n:04d}-{msg.created_at:%Y%m%d}.eml", build_message(envelope).as_bytes()
                )
            for doc in documents:
                archive.writestr(f"documenten/{doc.filename}", doc.content)
        stem.with_suffix(".zip").write_bytes(buffer.getvalue())
        return DossierExport(
            str(stem.with_suffix(".pdf")),
            str(stem.with_suffix(".zip")),
            len(events),
            len(messages) + len(documents),
        )
