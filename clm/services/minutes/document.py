"""The minutes as a document: the words of its template and the PDF made from them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from clm.clock import REGION_TZ
from clm.documents.pdf import html_to_pdf
from clm.documents.rendering import render
from clm.rules.config import RegionConfig
from clm.services.meetings import as_utc
from clm.storage.models import ActionItem, Meeting, Minutes, Provider


def _context(
    session: Session,
    cfg: RegionConfig,
    meeting: Meeting,
    provider: Provider,
    minutes: Minutes,
    label: str,
) -> dict:
    actions = session.scalars(
        select(ActionItem).where(ActionItem.meeting_id == meeting.id).order_by(ActionItem.number)
    ).all()
    staff = cfg.staff_by_key
    start = as_utc(meeting.starts_at).astimezone(REGION_TZ)
    agenda = cfg.agenda_items
    return {
        "region": cfg.region,
        "provider": provider,
        "meeting": meeting,
        "minutes": minutes,
        "label": label,
        "agenda": agenda,
        "actions": actions,
        "starts_local": start,
        "manager": staff.get(meeting.contract_manager),
        # entries and actions under their main item: '4b' is listed with item 4
        "entries_by_item": {
            item.number: [e for e in minutes.items if e["number"].rstrip("abcdefgh") == item.number]
            for item in agenda
        },
        "actions_by_item": {
            item.number: [a for a in actions if a.agenda_item.rstrip("abcdefgh") == item.number]
            for item in agenda
        },
    }


def _pdf(context: dict) -> bytes:
    return html_to_pdf(render("minutes/minutes.html.j2", **context))
